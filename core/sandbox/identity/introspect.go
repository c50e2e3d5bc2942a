package identity

import (
	"fmt"
	"net/http"
	"os"
	"strings"
)

// serviceScope is what a token must carry for each mail service, as Exchange
// demands it; real mail servers in the integration tests (Dovecot) ask us.
var serviceScope = map[string][2]string{
	"imap": {"IMAP.AccessAsUser.All", "IMAP.AccessAsApp"},
	"pop3": {"POP.AccessAsUser.All", "POP.AccessAsApp"},
	"smtp": {"SMTP.Send", "SMTP.SendAsApp"},
}

// introspect answers RFC 7662-style token introspection for real mail
// servers under test. Dovecot's oauth2 passdb sends the token as a form
// field (introspection_mode = post), as a Bearer header (auth) or in the URL
// (get), and names the protocol in X-Dovecot-Auth-Service; a token without
// that protocol's permission is reported inactive, as Exchange would refuse it.
func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	token := r.FormValue("token")
	if token == "" {
		if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			token = h[7:]
		}
	}
	if token == "" {
		token = r.URL.Query().Get("access_token")
	}
	// A fault on "introspect" makes the identity platform fail the mail
	// server's own question, as when Entra has trouble: Dovecot then
	// answers with its temporary failures (IMAP [UNAVAILABLE], POP3
	// [SYS/TEMP], Postfix through it 454 4.7.0).
	if f, ok := s.takeFault("introspect"); ok && s.answerFault(w, r, f) {
		return
	}
	if os.Getenv("MAILOAUTH_SANDBOX_TRACE") != "" {
		fmt.Fprintf(os.Stderr, "sandbox introspect: %s %v\n", r.Method, r.Header)
	}
	inactive := map[string]any{"active": false}
	p, err := s.Validate(token)
	if err != nil {
		writeJSON(w, inactive)
		return
	}
	if want, ok := serviceScope[strings.ToLower(r.Header.Get("X-Dovecot-Auth-Service"))]; ok {
		have := p.Scopes
		need := want[0]
		if p.AppOnly {
			have, need = p.Roles, want[1]
		}
		found := false
		for _, x := range have {
			if x == need {
				found = true
			}
		}
		if !found {
			writeJSON(w, inactive)
			return
		}
	}
	user := p.User
	if p.AppOnly {
		user = p.AppID
	}
	writeJSON(w, map[string]any{"active": true, "username": user, "upn": p.User, "scope": strings.Join(p.Scopes, " "),
		"client_id": p.AppID, "token_type": "Bearer"})
}
