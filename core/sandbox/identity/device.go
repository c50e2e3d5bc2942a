package identity

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"
)

// The device code flow (RFC 8628) as Entra runs it: the app gets a device
// code and a short user code, the user types the user code on the
// devicelogin page of any browser, and the app polls the token endpoint.

// DeviceGrantType is the token grant that redeems a device code.
const DeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDeclined
	deviceUsed
)

type deviceGrant struct {
	clientID, userCode, user string
	scopes                   []string
	expires                  time.Time
	state                    deviceState
}

// deviceTTL is Entra's 15 minutes.
const deviceTTL = 15 * time.Minute

func (s *Server) deviceCode(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.entraError(w, http.StatusBadRequest, 9002313, "")
		return
	}
	if !s.tenantOK(w, r) {
		return
	}
	if f, ok := s.takeFault("devicecode"); ok && s.answerFault(w, r, f) {
		return
	}
	s.mu.Lock()
	app, ok := s.apps[r.PostForm.Get("client_id")]
	s.mu.Unlock()
	if !ok || app.NoServicePrincipal {
		s.entraError(w, http.StatusBadRequest, 700016, "")
		return
	}
	if !app.Public || app.NoPublicFlows {
		// Entra refuses the device flow to apps without public client flows.
		s.entraError(w, http.StatusUnauthorized, 7000218, "")
		return
	}
	if app.Disabled {
		s.entraError(w, http.StatusUnauthorized, 7000112, "")
		return
	}
	scope := r.PostForm.Get("scope")
	perms, code := scopeCheck(app, scope)
	if code != 0 {
		s.entraError(w, http.StatusBadRequest, code, "")
		return
	}
	if app.consentLacking(perms) {
		s.entraError(w, http.StatusBadRequest, 65001, "")
		return
	}
	dc := "DAQABAAEAAA" + randString(120)
	uc := strings.ToUpper(randString(9))[:9]
	uc = strings.NewReplacer("-", "K", "_", "M").Replace(uc)
	s.mu.Lock()
	s.devices[dc] = &deviceGrant{clientID: app.ClientID, userCode: uc, scopes: append(perms, strings.Fields(scope)...),
		expires: s.opts.Now().Add(deviceTTL)}
	s.remember(dc)
	s.mu.Unlock()
	uri := s.authority + "/devicelogin"
	writeJSON(w, map[string]any{"user_code": uc, "device_code": dc, "verification_uri": uri,
		"expires_in": int(deviceTTL.Seconds()), "interval": int(s.opts.DeviceInterval / time.Second),
		"message": fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", uri, uc)})
}

// ApproveDevice answers a pending device sign-in the way a user does on the
// devicelogin page (for tests and the demo); accept=false declines it.
func (s *Server) ApproveDevice(userCode, user string, accept bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.devices {
		if g.userCode != strings.ToUpper(strings.TrimSpace(userCode)) || g.state != devicePending {
			continue
		}
		if s.opts.Now().After(g.expires) {
			return fmt.Errorf("code %s has expired", userCode)
		}
		if !accept {
			g.state = deviceDeclined
			return nil
		}
		if !s.userOK(user) {
			return fmt.Errorf("%s is not in the sandbox tenant", user)
		}
		g.user, g.state = user, deviceApproved
		return nil
	}
	return fmt.Errorf("no pending sign-in with code %s", userCode)
}

func (s *Server) deviceLoginPage(w http.ResponseWriter, r *http.Request) {
	msg := ""
	if r.Method == http.MethodPost {
		r.ParseForm()
		err := s.ApproveDevice(r.PostForm.Get("code"), strings.TrimSpace(r.PostForm.Get("user")), r.PostForm.Get("answer") == "accept")
		if err == nil {
			page(w, http.StatusOK, "Done / Fertig", "<p>You can close this window. / Sie können dieses Fenster schließen.</p>")
			return
		}
		msg = "<p><b>" + html.EscapeString(err.Error()) + "</b></p>"
	}
	page(w, http.StatusOK, "Enter code / Code eingeben", msg+`
<p>Enter the code shown by the app. / Geben Sie den Code ein, den die App anzeigt.</p>
<form method="post" action="devicelogin">
<p><label>Code: <input name="code" size="12" autofocus></label></p>
<p><label>Account / Konto: <input name="user" value="user@`+html.EscapeString(s.opts.Domains[0])+`" size="30"></label></p>
<button name="answer" value="accept" type="submit">Accept / Akzeptieren</button>
<button name="answer" value="decline" type="submit">Decline / Ablehnen</button>
</form>`)
}

func (s *Server) redeemDevice(w http.ResponseWriter, r *http.Request, app App) {
	dc := r.PostForm.Get("device_code")
	s.mu.Lock()
	g, ok := s.devices[dc]
	var st deviceState
	expired := false
	if ok {
		st, expired = g.state, s.opts.Now().After(g.expires)
		if st == deviceApproved && !expired {
			g.state = deviceUsed
		}
	}
	s.mu.Unlock()
	switch {
	case !ok || g.clientID != app.ClientID:
		s.entraError(w, http.StatusBadRequest, 70018, "")
	case expired:
		s.entraError(w, http.StatusBadRequest, 70019, "")
	case st == devicePending:
		s.entraError(w, http.StatusBadRequest, 70016, "")
	case st == deviceDeclined, st == deviceUsed:
		s.entraError(w, http.StatusBadRequest, 90120, "")
	default:
		s.issue(w, g.user, app.ClientID, g.scopes)
	}
}
