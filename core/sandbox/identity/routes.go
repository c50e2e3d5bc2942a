package identity

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"mailoauth/core/entra"
)

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.openid)
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", s.authorize)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/consent", s.consent)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.token)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/devicecode", s.deviceCode)
	mux.HandleFunc("/devicelogin", s.deviceLoginPage)
	mux.HandleFunc("/{tenant}/v2.0/adminconsent", s.adminConsent)
	mux.HandleFunc("/_sandbox/introspect", s.introspect)
	return mux
}

// entraError writes Microsoft's error JSON for an AADSTS code.
func (s *Server) entraError(w http.ResponseWriter, httpStatus, code int, extra string) {
	k := entra.Codes[code]
	name := k.Error
	if name == "" {
		name = "invalid_request"
	}
	text := k.Text
	if extra != "" {
		text += " " + extra
	}
	now := s.opts.Now().UTC().Format("2006-01-02 15:04:05Z")
	trace, corr := oid(randString(8)), oid(randString(8))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(httpStatus)
	json.NewEncoder(w).Encode(map[string]any{
		"error":             name,
		"error_description": fmt.Sprintf("%s: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", fmtCode(code), text, trace, corr, now),
		"error_codes":       []int{code},
		"timestamp":         now,
		"trace_id":          trace,
		"correlation_id":    corr,
		"error_uri":         s.authority + "/error?code=" + fmt.Sprint(code),
	})
}

func (s *Server) openid(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.takeFault("discovery"); ok && s.answerFault(w, r, f) {
		return
	}
	t := r.PathValue("tenant")
	if ok, common := s.knownTenant(t); !ok && !common {
		s.entraError(w, http.StatusBadRequest, 90002, "Tenant '"+t+"' not found.")
		return
	}
	base := s.authority + "/" + s.opts.TenantID
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"issuer":                           base + "/v2.0",
		"authorization_endpoint":           base + "/oauth2/v2.0/authorize",
		"token_endpoint":                   base + "/oauth2/v2.0/token",
		"device_authorization_endpoint":    base + "/oauth2/v2.0/devicecode",
		"tenant_region_scope":              "EU",
		"cloud_instance_name":              "microsoftonline.com",
		"response_types_supported":         []string{"code", "id_token", "code id_token"},
		"code_challenge_methods_supported": []string{"plain", "S256"},
	})
}

// page writes a small HTML page in German and English, like the portal's.
func page(w http.ResponseWriter, httpStatus int, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(httpStatus)
	fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>%s</title>
<style>body{font-family:sans-serif;max-width:34em;margin:3em auto}button{padding:.5em 1.5em;margin-right:1em}</style></head>
<body><p><b>mailoauth sandbox</b> — stand-in for the Microsoft sign-in / Platzhalter für die Microsoft-Anmeldung</p><h1>%s</h1>%s</body></html>`,
		html.EscapeString(title), html.EscapeString(title), body)
}

// errorPage is Entra's page for an error it cannot send back to the app
// (unknown app or tenant, an untrusted redirect, a disabled app): status
// 400, "Sorry, but we're having trouble signing you in", then the message
// with its AADSTS code and the request's IDs, as users quote it.
func (s *Server) errorPage(w http.ResponseWriter, code int, extra string) {
	k := entra.Codes[code]
	msg := fmtCode(code) + ": " + k.Text
	if extra != "" {
		msg = fmtCode(code) + ": " + extra
	}
	page(w, http.StatusBadRequest, "Sign-in error / Anmeldefehler",
		"<h2>Sorry, but we’re having trouble signing you in.</h2><p>"+html.EscapeString(msg)+"</p>"+
			"<p>Request Id: "+randString(8)+"<br>Correlation Id: "+randString(8)+"<br>Timestamp: "+
			s.opts.Now().UTC().Format("2006-01-02T15:04:05Z")+"<br>Message: "+html.EscapeString(msg)+"</p>")
}

// redirectMatches follows Entra's loopback rule: for http://localhost the
// port is ignored; scheme, host and path must match exactly.
func redirectMatches(registered []string, got string) bool {
	u, err := url.Parse(got)
	if err != nil {
		return false
	}
	for _, r := range registered {
		if r == got {
			return true
		}
		ru, err := url.Parse(r)
		if err != nil {
			continue
		}
		if u.Scheme == "http" && ru.Scheme == "http" && u.Hostname() == "localhost" && ru.Hostname() == "localhost" &&
			strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(ru.Path, "/") && u.RawQuery == "" {
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// scopeCheck validates the requested scopes against the app and returns the
// delegated permission names, or an AADSTS code.
func scopeCheck(app App, scope string) ([]string, int) {
	var perms []string
	resources := map[string]bool{}
	for _, sc := range strings.Fields(scope) {
		switch sc {
		case "openid", "profile", "email", "offline_access":
			continue
		}
		i := strings.LastIndexByte(sc, '/')
		if !strings.HasPrefix(sc, "https://") || i < len("https://") {
			return nil, 70011
		}
		res, perm := sc[:i], sc[i+1:]
		resources[res] = true
		if res == GraphResource && len(app.GraphPermissions) > 0 {
			if !contains(app.GraphPermissions, perm) {
				return nil, 650057
			}
			perms = append(perms, perm)
			continue
		}
		// Entra takes either Outlook resource name of the cloud (the
		// token's audience is then the name asked for).
		if !cloud.AcceptsAudience(res) {
			if len(resources) > 1 {
				return nil, 28000
			}
			return nil, 650057
		}
		if perm == ".default" {
			perms = append(perms, app.Permissions...)
			continue
		}
		known := false
		for _, p := range app.Permissions {
			if p == perm {
				known = true
			}
		}
		if !known {
			return nil, 650057
		}
		perms = append(perms, perm)
	}
	if len(resources) > 1 {
		return nil, 28000
	}
	return perms, 0
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	t := r.PathValue("tenant")
	if ok, common := s.knownTenant(t); !ok {
		code := 90002
		if common {
			code = 50194
		}
		s.errorPage(w, code, "")
		return
	}
	s.mu.Lock()
	app, ok := s.apps[q.Get("client_id")]
	s.mu.Unlock()
	if !ok {
		s.errorPage(w, 700016, "Application with identifier '"+q.Get("client_id")+"' was not found in the directory.")
		return
	}
	redirect := q.Get("redirect_uri")
	if !redirectMatches(app.RedirectURIs, redirect) && !redirectMatches(app.WebRedirectURIs, redirect) {
		// Entra shows this on its own page: the redirect cannot be trusted.
		s.errorPage(w, 50011, "The redirect URI '"+redirect+"' specified in the request does not match.")
		return
	}
	fail := func(code int) {
		k := entra.Codes[code]
		v := url.Values{"error": {k.Error}, "error_description": {fmtCode(code) + ": " + k.Text}, "state": {q.Get("state")}}
		http.Redirect(w, r, redirect+"?"+v.Encode(), http.StatusFound)
	}
	if f, ok := s.takeAttemptFault(q.Get("state")); ok && f.AADSTS != 0 {
		code := f.AADSTS
		if code == 50011 || code == 700016 || code == 90002 || code == 50194 || code == 7000112 {
			s.errorPage(w, code, "")
			return
		}
		fail(code)
		return
	}
	if q.Get("response_type") != "code" {
		fail(9002313)
		return
	}
	if app.Disabled {
		// A disabled app signs nobody in; Entra says so on its own page.
		s.errorPage(w, 7000112, "Application '"+app.ClientID+"'(mailoauth) is disabled.")
		return
	}
	perms, code := scopeCheck(app, q.Get("scope"))
	if code != 0 {
		fail(code)
		return
	}
	if s.consentMissing(app.ClientID) || app.consentLacking(perms) || app.NoServicePrincipal {
		fail(65001)
		return
	}
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" {
		fail(9002313)
		return
	}
	user := q.Get("login_hint")
	if user == "" {
		user = "user@" + s.opts.Domains[0]
	}
	params := map[string]string{}
	for _, k := range []string{"client_id", "redirect_uri", "scope", "state", "code_challenge", "tenant"} {
		params[k] = q.Get(k)
	}
	params["tenant"] = t
	if s.opts.AutoConsent {
		s.finish(w, r, params, user)
		return
	}
	id := randString(24)
	s.mu.Lock()
	s.pendings[id] = &pending{q: params, expires: s.opts.Now().Add(10 * time.Minute)}
	s.mu.Unlock()
	page(w, http.StatusOK, "Permissions requested / Berechtigungen angefordert", fmt.Sprintf(`
<p>The app <b>%s</b> wants to read and send mail as you (%s).<br>
Die App <b>%s</b> möchte in Ihrem Namen E-Mails lesen und senden (%s).</p>
<form method="post" action="consent">
<input type="hidden" name="request" value="%s">
<p><label>Account / Konto: <input name="user" value="%s" size="30"></label></p>
<button name="answer" value="accept" type="submit">Accept / Akzeptieren</button>
<button name="answer" value="cancel" type="submit">Cancel / Abbrechen</button>
</form>`, html.EscapeString(app.ClientID), html.EscapeString(q.Get("scope")), html.EscapeString(app.ClientID),
		html.EscapeString(q.Get("scope")), id, html.EscapeString(user)))
}

func (s *Server) consent(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id := r.PostForm.Get("request")
	s.mu.Lock()
	p, ok := s.pendings[id]
	delete(s.pendings, id)
	s.mu.Unlock()
	if !ok || s.opts.Now().After(p.expires) {
		s.errorPage(w, 9002313, "The sign-in request is unknown or expired.")
		return
	}
	if r.PostForm.Get("answer") != "accept" {
		k := entra.Codes[65004]
		v := url.Values{"error": {k.Error}, "error_description": {fmtCode(65004) + ": " + k.Text}, "state": {p.q["state"]}}
		http.Redirect(w, r, p.q["redirect_uri"]+"?"+v.Encode(), http.StatusFound)
		return
	}
	s.finish(w, r, p.q, strings.TrimSpace(r.PostForm.Get("user")))
}

// finish issues the code and sends the browser back to the app.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, q map[string]string, user string) {
	if !s.userOK(user) {
		k := entra.Codes[50020]
		v := url.Values{"error": {k.Error}, "error_description": {fmtCode(50020) + ": " + k.Text}, "state": {q["state"]}}
		http.Redirect(w, r, q["redirect_uri"]+"?"+v.Encode(), http.StatusFound)
		return
	}
	s.mu.Lock()
	app := s.apps[q["client_id"]]
	s.mu.Unlock()
	perms, _ := scopeCheck(app, q["scope"])
	code := "0.AX" + randString(180)
	s.mu.Lock()
	s.codes[code] = &authCode{clientID: q["client_id"], redirectURI: q["redirect_uri"], challenge: q["code_challenge"],
		user: user, web: !redirectMatches(app.RedirectURIs, q["redirect_uri"]), scopes: append(perms, strings.Fields(q["scope"])...), expires: s.opts.Now().Add(10 * time.Minute)}
	s.remember(code)
	s.mu.Unlock()
	v := url.Values{"code": {code}, "state": {q["state"]}, "session_state": {randString(16)}}
	sep := "?"
	if strings.Contains(q["redirect_uri"], "?") {
		sep = "&"
	}
	http.Redirect(w, r, q["redirect_uri"]+sep+v.Encode(), http.StatusFound)
}

// clientAuth checks the client's credentials against its registration.
func (s *Server) clientAuth(r *http.Request) (App, int) {
	id := r.PostForm.Get("client_id")
	secret := r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	s.mu.Lock()
	app, ok := s.apps[id]
	s.mu.Unlock()
	if !ok {
		return App{}, 700016
	}
	if app.NoServicePrincipal {
		if r.PostForm.Get("grant_type") == "client_credentials" {
			return app, 7000229
		}
		return app, 700016
	}
	if app.Disabled {
		return app, 7000112
	}
	_, basic := r.Header["Authorization"]
	hasSecrets := app.Secret != "" || len(app.Secrets) > 0
	if app.Public && !hasSecrets {
		if secret != "" || basic || r.PostForm.Get("client_assertion") != "" {
			return app, 700025
		}
		return app, 0
	}
	if secret == "" {
		if app.Public {
			return app, 0
		}
		return app, 7000218
	}
	if !app.secretOK(secret) {
		return app, 7000215
	}
	return app, 0
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.entraError(w, http.StatusBadRequest, 9002313, "")
		return
	}
	if !s.tenantOK(w, r) {
		return
	}
	grant := r.PostForm.Get("grant_type")
	endpoint := "token"
	if grant == "refresh_token" {
		endpoint = "refresh"
	}
	if f, ok := s.takeFault(endpoint); ok && s.answerFault(w, r, f) {
		return
	}
	app, code := s.clientAuth(r)
	if code != 0 {
		s.entraError(w, http.StatusUnauthorized, code, "")
		return
	}
	switch grant {
	case "authorization_code":
		s.redeemCode(w, r, app)
	case "refresh_token":
		s.redeemRefresh(w, r, app)
	case "client_credentials":
		s.clientCredentials(w, r, app)
	case DeviceGrantType:
		s.redeemDevice(w, r, app)
	default:
		s.entraError(w, http.StatusBadRequest, 9002313, "Unsupported grant_type.")
	}
}

func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (s *Server) redeemCode(w http.ResponseWriter, r *http.Request, app App) {
	f := r.PostForm
	s.mu.Lock()
	c, ok := s.codes[f.Get("code")]
	used := ok && c.used
	if ok {
		c.used = true
	}
	s.mu.Unlock()
	switch {
	case !ok || c.clientID != app.ClientID:
		s.entraError(w, http.StatusBadRequest, 9002313, "The authorization code is not valid.")
	case used:
		s.entraError(w, http.StatusBadRequest, 54005, "")
	case s.opts.Now().After(c.expires):
		s.entraError(w, http.StatusBadRequest, 70000, "The authorization code has expired.")
	case f.Get("redirect_uri") != c.redirectURI:
		s.entraError(w, http.StatusBadRequest, 50011, "")
	case c.web && f.Get("client_secret") == "":
		// A Web redirect makes Entra treat the app as confidential.
		s.entraError(w, http.StatusUnauthorized, 7000218, "")
	case challengeOf(f.Get("code_verifier")) != c.challenge:
		s.entraError(w, http.StatusBadRequest, 501481, "")
	default:
		s.issue(w, c.user, app.ClientID, c.scopes)
	}
}

func (s *Server) redeemRefresh(w http.ResponseWriter, r *http.Request, app App) {
	f := r.PostForm
	if f.Get("scope") == "" {
		s.entraError(w, http.StatusBadRequest, 900144, "")
		return
	}
	perms, code := scopeCheck(app, f.Get("scope"))
	rt := f.Get("refresh_token")
	// Look-up, the single-use test and the spending happen under one lock:
	// with strict rotation, of two concurrent redemptions of one token
	// exactly one wins, as a lock test needs to catch a broken lock.
	s.mu.Lock()
	t, ok := s.refresh[rt]
	switch {
	case !ok || t.clientID != app.ClientID || (t.rotated && s.strict):
		code = 70000
	case !s.revoked[strings.ToLower(t.user)].IsZero():
		code = 50173
	case code == 0:
		t.rotated = true
		s.refreshCount[strings.ToLower(t.user)]++
	}
	s.mu.Unlock()
	if code != 0 {
		s.entraError(w, http.StatusBadRequest, code, "")
		return
	}
	s.issue(w, t.user, app.ClientID, append(perms, strings.Fields(f.Get("scope"))...))
}

func (s *Server) clientCredentials(w http.ResponseWriter, r *http.Request, app App) {
	if app.Public {
		s.entraError(w, http.StatusUnauthorized, 7000218, "")
		return
	}
	if r.PostForm.Get("scope") != cloud.AppScope {
		s.entraError(w, http.StatusBadRequest, 70011, "Use "+cloud.AppScope+".")
		return
	}
	at, exp := s.accessToken("", app.ClientID, cloud.Resource, nil, app.AppRoles)
	s.mu.Lock()
	s.remember(at)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"token_type": "Bearer", "expires_in": int(exp.Sub(s.opts.Now()).Seconds()),
		"ext_expires_in": int(exp.Sub(s.opts.Now()).Seconds()), "access_token": at})
}

// issue writes a token response; scopes holds permission names and the raw
// requested scope strings.
func (s *Server) issue(w http.ResponseWriter, user, clientID string, scopes []string) {
	var perms, granted []string
	offline, openid := false, false
	seen := map[string]bool{}
	aud := cloud.Resource
	for _, sc := range scopes {
		if strings.HasPrefix(sc, GraphResource+"/") {
			aud = GraphResource
		}
	}
	for _, sc := range scopes {
		switch {
		case sc == "offline_access":
			offline = true
		case sc == "openid":
			openid = true
		case sc == "profile" || sc == "email" || strings.HasPrefix(sc, "https://"):
		default:
			s.mu.Lock()
			held := s.withheld[sc]
			s.mu.Unlock()
			if held {
				continue
			}
			if !seen[sc] {
				seen[sc] = true
				perms = append(perms, sc)
				if aud == GraphResource {
					granted = append(granted, aud+"/"+sc)
				} else {
					granted = append(granted, cloud.Scope(sc))
				}
			}
		}
	}
	at, exp := s.accessToken(user, clientID, aud, perms, nil)
	resp := map[string]any{"token_type": "Bearer", "scope": strings.Join(granted, " "),
		"expires_in": int(exp.Sub(s.opts.Now()).Seconds()), "ext_expires_in": int(exp.Sub(s.opts.Now()).Seconds()), "access_token": at}
	s.mu.Lock()
	s.remember(at)
	if offline {
		rt := "1.AX" + randString(s.opts.RefreshTokenBytes-4)
		s.refresh[rt] = &refreshToken{user: user, clientID: clientID, scopes: scopes}
		s.remember(rt)
		resp["refresh_token"] = rt
	}
	if openid {
		id := s.sign(map[string]any{"aud": clientID, "iss": s.authority + "/" + s.opts.TenantID + "/v2.0",
			"preferred_username": user, "tid": s.opts.TenantID, "oid": oid(user), "exp": exp.Unix(), "iat": s.opts.Now().Unix()})
		s.remember(id)
		resp["id_token"] = id
	}
	s.mu.Unlock()
	writeJSON(w, resp)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}

// tenantOK answers a token-endpoint request for an unknown tenant (90002)
// or for common/organizations where a tenant is needed (50194).
func (s *Server) tenantOK(w http.ResponseWriter, r *http.Request) bool {
	ok, common := s.knownTenant(r.PathValue("tenant"))
	if !ok {
		code := 90002
		if common {
			code = 50194
		}
		s.entraError(w, http.StatusBadRequest, code, "")
	}
	return ok
}
