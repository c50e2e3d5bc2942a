package identity

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
)

// Admin consent as Entra runs it: while an app lacks it, every sign-in to
// the app ends with AADSTS65001; an administrator opens /adminconsent once
// and consents for the organisation.

// RequireAdminConsent makes sign-ins to clientID fail with AADSTS65001
// until an administrator consents.
func (s *Server) RequireAdminConsent(clientID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.needsConsent[clientID] = true
}

func (s *Server) consentMissing(clientID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.needsConsent[clientID]
}

func (s *Server) adminConsent(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f := r.Form
	t := r.PathValue("tenant")
	if ok, _ := s.knownTenant(t); !ok {
		s.errorPage(w, 90002, "")
		return
	}
	s.mu.Lock()
	app, ok := s.apps[f.Get("client_id")]
	s.mu.Unlock()
	if !ok {
		s.errorPage(w, 700016, "")
		return
	}
	redirect := f.Get("redirect_uri")
	if !redirectMatches(app.RedirectURIs, redirect) {
		s.errorPage(w, 50011, "")
		return
	}
	answer := func(v url.Values) {
		v.Set("state", f.Get("state"))
		http.Redirect(w, r, redirect+"?"+v.Encode(), http.StatusFound)
	}
	if r.Method == http.MethodGet && !s.opts.AutoConsent {
		q := url.Values{"client_id": {app.ClientID}, "redirect_uri": {redirect}, "state": {f.Get("state")}, "scope": {f.Get("scope")}}
		page(w, http.StatusOK, "Admin consent / Administratorzustimmung", fmt.Sprintf(`
<p>Grant <b>%s</b> these permissions for the whole organisation: %s<br>
<b>%s</b> diese Berechtigungen für die ganze Organisation erteilen: %s</p>
<form method="post" action="adminconsent?%s">
<button name="answer" value="accept" type="submit">Accept / Akzeptieren</button>
<button name="answer" value="cancel" type="submit">Cancel / Abbrechen</button>
</form>`, html.EscapeString(app.ClientID), html.EscapeString(f.Get("scope")), html.EscapeString(app.ClientID),
			html.EscapeString(f.Get("scope")), html.EscapeString(q.Encode())))
		return
	}
	if r.Method == http.MethodPost && r.PostForm.Get("answer") != "accept" {
		answer(url.Values{"error": {"access_denied"}, "error_description": {fmtCode(65004) + ": " + "The administrator declined to consent."}})
		return
	}
	s.mu.Lock()
	delete(s.needsConsent, app.ClientID)
	s.mu.Unlock()
	answer(url.Values{"admin_consent": {"True"}, "tenant": {s.opts.TenantID}})
}
