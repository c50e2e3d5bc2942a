package identity

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"mailoauth/core/entra"
	"mailoauth/core/sandbox/certs"
)

const scopes = "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access openid profile email"

func start(t *testing.T, auto bool) *Server {
	t.Helper()
	ca, err := certs.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{CA: ca, AutoConsent: auto})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func noRedirect(s *Server) *http.Client {
	c := s.HTTPClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// authorize runs the authorize leg and returns the redirect's query.
func authorize(t *testing.T, s *Server, verifier string, extra url.Values) url.Values {
	t.Helper()
	q := url.Values{"client_id": {PublicClientID}, "response_type": {"code"}, "redirect_uri": {"http://localhost:49152"},
		"scope": {scopes}, "state": {"st4te"}, "code_challenge": {challengeOf(verifier)}, "code_challenge_method": {"S256"},
		"login_hint": {"anna@contoso.example"}, "prompt": {"select_account"}}
	for k, v := range extra {
		q[k] = v
	}
	resp, err := noRedirect(s).Get(s.Authority() + "/" + s.TenantID() + "/oauth2/v2.0/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("authorize: %s\n%s", resp.Status, b)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if !strings.HasPrefix(loc.String(), "http://localhost:49152") {
		t.Fatalf("redirected to %s", loc)
	}
	return loc.Query()
}

func post(t *testing.T, s *Server, form url.Values) (int, map[string]any, []byte) {
	t.Helper()
	resp, err := s.HTTPClient().PostForm(s.Authority()+"/"+s.TenantID()+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return resp.StatusCode, m, b
}

func wantAADSTS(t *testing.T, status int, body []byte, code string) {
	t.Helper()
	p := entra.Parse(status, body)
	if e, ok := p.Err.(*entra.Error); ok && e.Temporary() && strconv.Itoa(e.AADSTS) == code {
		// The service's own trouble shares one message; the code is kept.
		return
	}
	if p.Code != "entra.aadsts."+code {
		t.Fatalf("want AADSTS%s, got %s (%s)", code, p.Code, body)
	}
}

func redeem(t *testing.T, s *Server, code, verifier string) (int, map[string]any, []byte) {
	return post(t, s, url.Values{"grant_type": {"authorization_code"}, "client_id": {PublicClientID}, "code": {code},
		"redirect_uri": {"http://localhost:49152"}, "code_verifier": {verifier}})
}

func TestCodeFlowRefreshRotation(t *testing.T) {
	s := start(t, true)
	v := "verifier-verifier-verifier-verifier-1234567"
	q := authorize(t, s, v, nil)
	if q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("callback: %v", q)
	}
	st, tok, body := redeem(t, s, q.Get("code"), v)
	if st != 200 || tok["access_token"] == nil || tok["refresh_token"] == nil || tok["id_token"] == nil {
		t.Fatalf("token: %d %s", st, body)
	}
	p, err := s.Validate(tok["access_token"].(string))
	if err != nil || p.User != "anna@contoso.example" || strings.Join(p.Scopes, " ") != "IMAP.AccessAsUser.All SMTP.Send" {
		t.Fatalf("validate: %+v %v", p, err)
	}
	// The code works once.
	st, _, body = redeem(t, s, q.Get("code"), v)
	wantAADSTS(t, st, body, "54005")

	rt := tok["refresh_token"].(string)
	refresh := func(rt, scope string) (int, map[string]any, []byte) {
		f := url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {rt}}
		if scope != "" {
			f.Set("scope", scope)
		}
		return post(t, s, f)
	}
	st, _, body = refresh(rt, "")
	wantAADSTS(t, st, body, "900144")
	st, tok2, body := refresh(rt, scopes)
	if st != 200 || tok2["refresh_token"] == rt {
		t.Fatalf("refresh: %d %s", st, body)
	}
	// As at Entra, the old refresh token still works after use...
	if st, _, body := refresh(rt, scopes); st != 200 {
		t.Fatalf("old refresh token (Microsoft's default): %d %s", st, body)
	}
	// ...unless rotation is strict: then a redeemed token is dead.
	s.SetStrictRotation(true)
	st, _, body = refresh(rt, scopes)
	wantAADSTS(t, st, body, "70000")
	if s.RefreshCount("anna@contoso.example") != 2 {
		t.Errorf("refresh count %d", s.RefreshCount("anna@contoso.example"))
	}
	s.RevokeUser("anna@contoso.example")
	st, _, body = refresh(tok2["refresh_token"].(string), scopes)
	wantAADSTS(t, st, body, "50173")

	s.ExpireAccessTokens()
	if _, err := s.Validate(tok2["access_token"].(string)); err == nil {
		t.Error("expired token accepted")
	}
	issued := strings.Join(s.Issued(), "\n")
	for _, x := range []string{q.Get("code"), rt, tok["access_token"].(string)} {
		if !strings.Contains(issued, x) {
			t.Error("Issued() misses a secret")
		}
	}
}

func TestPKCEAndClientRules(t *testing.T) {
	s := start(t, true)
	q := authorize(t, s, "right-verifier-right-verifier-right-verifier", nil)
	st, _, body := redeem(t, s, q.Get("code"), "wrong-verifier-wrong-verifier-wrong-verifier")
	wantAADSTS(t, st, body, "501481")

	q = authorize(t, s, "v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v", nil)
	st, _, body = post(t, s, url.Values{"grant_type": {"authorization_code"}, "client_id": {PublicClientID}, "client_secret": {"x"},
		"code": {q.Get("code")}, "redirect_uri": {"http://localhost:49152"}, "code_verifier": {"v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v-v"}})
	wantAADSTS(t, st, body, "700025")

	st, _, body = post(t, s, url.Values{"grant_type": {"client_credentials"}, "client_id": {ConfidentialClientID}, "scope": {"https://outlook.office365.com/.default"}})
	wantAADSTS(t, st, body, "7000218")
	st, tok, body := post(t, s, url.Values{"grant_type": {"client_credentials"}, "client_id": {ConfidentialClientID},
		"client_secret": {s.ConfidentialSecret()}, "scope": {"https://outlook.office365.com/.default"}})
	if st != 200 {
		t.Fatalf("client credentials: %s", body)
	}
	if p, err := s.Validate(tok["access_token"].(string)); err != nil || !p.AppOnly || len(p.Roles) != 3 {
		t.Errorf("app token: %+v %v", p, err)
	}
}

func TestAuthorizeErrors(t *testing.T) {
	s := start(t, true)
	get := func(q url.Values, tenant string) (*http.Response, string) {
		resp, err := noRedirect(s).Get(s.Authority() + "/" + tenant + "/oauth2/v2.0/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	base := url.Values{"client_id": {PublicClientID}, "response_type": {"code"}, "redirect_uri": {"http://localhost:1234"},
		"scope": {scopes}, "state": {"s"}, "code_challenge": {"c"}, "code_challenge_method": {"S256"}}
	q := url.Values{}
	for k, v := range base {
		q[k] = v
	}
	q.Set("redirect_uri", "http://127.0.0.1:1234/")
	if resp, body := get(q, s.TenantID()); resp.StatusCode != 400 || !strings.Contains(body, "AADSTS50011") {
		t.Errorf("redirect mismatch: %d %s", resp.StatusCode, body)
	}
	q.Set("redirect_uri", "http://localhost:1234")
	q.Set("client_id", "00000000-0000-0000-0000-000000000000")
	if _, body := get(q, s.TenantID()); !strings.Contains(body, "AADSTS700016") {
		t.Errorf("unknown client: %s", body)
	}
	if _, body := get(base, "common"); !strings.Contains(body, "AADSTS50194") {
		t.Errorf("common: %s", body)
	}
	q = url.Values{}
	for k, v := range base {
		q[k] = v
	}
	q.Set("scope", "https://outlook.office.com/IMAP.AccessAsUser.All https://graph.microsoft.com/User.Read")
	resp, _ := get(q, s.TenantID())
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if !strings.Contains(loc.Query().Get("error_description"), "AADSTS28000") {
		t.Errorf("two resources: %v", loc)
	}
	// Each sign-in attempt has its own state; a fault counts attempts.
	attempt := func(state string) url.Values {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		q.Set("state", state)
		return q
	}
	for _, code := range []int{65001, 53003, 90094} {
		s.SetFault(Fault{Endpoint: "authorize", AADSTS: code, Times: 1})
		resp, _ := get(attempt("s"+itoa(code)), s.TenantID())
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if p := entra.FromCallback(loc.Query()); p.Code != "entra.aadsts."+itoa(code) {
			t.Errorf("fault %d: %s", code, p.Code)
		}
	}
	resp, _ = get(attempt("next"), s.TenantID())
	if loc, _ := url.Parse(resp.Header.Get("Location")); loc.Query().Get("code") == "" {
		t.Error("fault not consumed")
	}
	// mailoauth's pre-flight and then the browser load one attempt's
	// address: both get the attempt's fault, the next attempt none.
	s.SetFault(Fault{Endpoint: "authorize", AADSTS: 65001, Times: 1})
	for i := 0; i < 2; i++ {
		resp, _ := get(attempt("twice"), s.TenantID())
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if p := entra.FromCallback(loc.Query()); p.Code != "entra.aadsts.65001" {
			t.Errorf("request %d of one attempt: %s", i, p.Code)
		}
	}
	resp, _ = get(attempt("after"), s.TenantID())
	if loc, _ := url.Parse(resp.Header.Get("Location")); loc.Query().Get("code") == "" {
		t.Error("the fault outlived its attempt")
	}
	// A disabled app cannot be sent back to: Entra's own page, with the
	// code in its message.
	app, _ := s.LookupApp(PublicClientID)
	app.Disabled = true
	s.AddApp(app)
	resp, body := get(attempt("disabled"), s.TenantID())
	if resp.StatusCode != 400 || resp.Header.Get("Location") != "" || !strings.Contains(body, "AADSTS7000112: Application") ||
		!strings.Contains(body, "trouble signing you in") {
		t.Errorf("disabled app: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestEveryFaultIsParseable(t *testing.T) {
	s := start(t, true)
	for code := range entra.Codes {
		s.ClearFaults()
		s.SetFault(Fault{Endpoint: "token", AADSTS: code})
		st, _, body := post(t, s, url.Values{"grant_type": {"authorization_code"}, "client_id": {PublicClientID}})
		wantAADSTS(t, st, body, itoa(code))
	}
}

func TestOpenIDAndConsentPage(t *testing.T) {
	s := start(t, false)
	for _, tenant := range []string{s.TenantID(), "contoso.example"} {
		resp, err := s.HTTPClient().Get(s.Authority() + "/" + tenant + "/v2.0/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if !strings.Contains(m["issuer"].(string), s.TenantID()) {
			t.Errorf("%s: issuer %v", tenant, m["issuer"])
		}
	}
	resp, _ := s.HTTPClient().Get(s.Authority() + "/unknown.example/v2.0/.well-known/openid-configuration")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wantAADSTS(t, resp.StatusCode, b, "90002")

	// The consent page: accept and cancel.
	for _, answer := range []string{"accept", "cancel"} {
		q := url.Values{"client_id": {PublicClientID}, "response_type": {"code"}, "redirect_uri": {"http://localhost:5"},
			"scope": {scopes}, "state": {"s"}, "code_challenge": {"c"}, "code_challenge_method": {"S256"}, "login_hint": {"bob@contoso.example"}}
		resp, err := noRedirect(s).Get(s.Authority() + "/" + s.TenantID() + "/oauth2/v2.0/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), "bob@contoso.example") || !strings.Contains(string(page), "Akzeptieren") {
			t.Fatalf("consent page: %s", page)
		}
		id := between(string(page), `name="request" value="`, `"`)
		resp, err = noRedirect(s).PostForm(s.Authority()+"/"+s.TenantID()+"/oauth2/v2.0/consent",
			url.Values{"request": {id}, "user": {"bob@contoso.example"}, "answer": {answer}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if answer == "accept" && loc.Query().Get("code") == "" {
			t.Errorf("accept: %v", loc)
		}
		if answer == "cancel" && entra.FromCallback(loc.Query()).Code != "entra.aadsts.65004" {
			t.Errorf("cancel: %v", loc)
		}
	}
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	return s[:strings.Index(s, b)]
}

// TestStrictRotationOneWinner: with strict rotation a refresh token is
// spent atomically — of many concurrent redemptions exactly one gets
// tokens, the rest AADSTS70000.
func TestStrictRotationOneWinner(t *testing.T) {
	s := start(t, true)
	s.SetStrictRotation(true)
	v := "verifier-verifier-verifier-verifier-1234567"
	_, tok, body := redeem(t, s, authorize(t, s, v, nil).Get("code"), v)
	rt, _ := tok["refresh_token"].(string)
	if rt == "" {
		t.Fatalf("no refresh token: %s", body)
	}
	const n = 16
	codes := make(chan int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := s.HTTPClient().PostForm(s.Authority()+"/"+s.TenantID()+"/oauth2/v2.0/token",
				url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {rt}, "scope": {scopes}})
			if err != nil {
				codes <- 0
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 && entra.Parse(resp.StatusCode, b).Code != "entra.aadsts.70000" {
				codes <- -resp.StatusCode
				return
			}
			codes <- resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	close(codes)
	won := 0
	for c := range codes {
		switch c {
		case 200:
			won++
		case 400:
		default:
			t.Errorf("unexpected answer %d", c)
		}
	}
	if won != 1 || s.RefreshCount("anna@contoso.example") != 1 {
		t.Errorf("%d of %d concurrent redemptions won (%d counted), want 1", won, n, s.RefreshCount("anna@contoso.example"))
	}
}
