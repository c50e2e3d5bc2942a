package oauth

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox/certs"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

func sandbox(t *testing.T, auto bool) *identity.Server {
	t.Helper()
	ca, err := certs.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	s, err := identity.New(identity.Options{CA: ca, AutoConsent: auto})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func config(s *identity.Server) *Config {
	return &Config{Authority: s.Authority(), Tenant: s.TenantID(), ClientID: identity.PublicClientID,
		Scopes: DelegatedScopes([]account.Protocol{account.IMAP, account.SMTP}, account.GlobalCloud()), LoginHint: "anna@contoso.example",
		HTTPClient: s.HTTPClient()}
}

// browserFor is a stand-in browser: it follows the sign-in address through
// the sandbox to our loopback listener, like a user who clicks Accept.
func browserFor(s *identity.Server, rewrite func(string) string, got chan<- string) func(string) error {
	return func(u string) error {
		if rewrite != nil {
			u = rewrite(u)
		}
		resp, err := s.HTTPClient().Get(u)
		if err != nil {
			got <- "error: " + err.Error()
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- resp.Status + "\n" + string(b)
		return nil
	}
}

func TestSignInLoopback(t *testing.T) {
	s := sandbox(t, true)
	pages := make(chan string, 1)
	var shown string
	var deadline time.Time
	tok, p := SignIn(context.Background(), config(s), SignInOptions{Lang: i18n.DE,
		OpenBrowser: browserFor(s, nil, pages),
		OnURL:       func(u string) { shown = u },
		OnWaiting:   func(d time.Time) { deadline = d }})
	if p != nil {
		t.Fatal(p)
	}
	page := <-pages
	if !strings.HasPrefix(page, "200") || !strings.Contains(page, "Angemeldet") {
		t.Errorf("browser tab shows: %.300s", page)
	}
	u, _ := url.Parse(shown)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("prompt") != "select_account" || q.Get("login_hint") != "anna@contoso.example" ||
		!strings.HasPrefix(q.Get("redirect_uri"), "http://localhost:") || len(q.Get("state")) < 20 {
		t.Errorf("authorize URL: %s", shown)
	}
	if time.Until(deadline) < 4*time.Minute {
		t.Errorf("deadline %v is not ~5 minutes away", deadline)
	}
	c, err := DecodeClaims(tok.AccessToken)
	if err != nil || c.User() != "anna@contoso.example" || c.Aud != account.GlobalCloud().Resource || tok.RefreshToken == "" {
		t.Fatalf("claims: %+v %v", c, err)
	}
	acct := &account.Account{Authority: s.Authority(), IMAP: account.Server{Enabled: true}, SMTP: account.Server{Enabled: true}}
	if ps := CheckScopes(c, acct); len(ps) != 0 {
		t.Errorf("scopes: %v", ps[0])
	}
	if ps := CheckScopes(c, &account.Account{Authority: s.Authority(), POP3: account.Server{Enabled: true}}); len(ps) != 1 || ps[0].Code != "oauth.missing_scope" {
		t.Errorf("missing POP scope not found: %v", ps)
	}
	if w := CheckUser(c, "bob@contoso.example"); w == nil || w.Code != "oauth.user_mismatch" {
		t.Error("user mismatch not reported")
	}
	if CheckUser(c, "ANNA@contoso.example") != nil {
		t.Error("case should not matter")
	}
}

// TestListenerRules drives the loopback listener by hand: foreign paths,
// a wrong state and a second callback are refused; the right one wins.
func TestListenerRules(t *testing.T) {
	s := sandbox(t, true)
	urls := make(chan string, 1)
	type out struct {
		tok *Token
		p   *status.Problem
	}
	res := make(chan out, 1)
	go func() {
		tok, p := SignIn(context.Background(), config(s), SignInOptions{
			OpenBrowser: func(string) error { return nil },
			OnURL:       func(u string) { urls <- u }})
		res <- out{tok, p}
	}()
	au, _ := url.Parse(<-urls)
	redirect := au.Query().Get("redirect_uri")
	local := strings.Replace(redirect, "localhost", "127.0.0.1", 1)
	get := func(u string) int {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := get(local + "/favicon.ico"); c != 404 {
		t.Errorf("foreign path: %d", c)
	}
	if c := get(local + "/?code=x&state=forged"); c != 400 {
		t.Errorf("wrong state: %d", c)
	}
	// The real browser leg still completes after the stray requests.
	noFollow := s.HTTPClient()
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Get(au.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb := strings.Replace(resp.Header.Get("Location"), "localhost", "127.0.0.1", 1)
	if c := get(cb); c != 200 {
		t.Fatalf("callback: %d", c)
	}
	r := <-res
	if r.p != nil || r.tok == nil {
		t.Fatalf("sign-in: %v", r.p)
	}
	// One use: the listener is gone (or answers 410) after the callback.
	if resp, err := http.Get(cb); err == nil {
		if resp.StatusCode == 200 {
			t.Error("second callback accepted")
		}
		resp.Body.Close()
	}
}

func TestSignInErrors(t *testing.T) {
	s := sandbox(t, true)
	pages := make(chan string, 1)
	s.SetFault(identity.Fault{Endpoint: "authorize", AADSTS: 65001, Times: 1})
	_, p := SignIn(context.Background(), config(s), SignInOptions{Lang: i18n.EN, OpenBrowser: browserFor(s, nil, pages)})
	if p == nil || p.Code != "entra.aadsts.65001" {
		t.Fatalf("consent fault: %v", p)
	}
	if page := <-pages; !strings.Contains(page, "Sign-in failed") || !strings.Contains(page, "Grant admin consent") {
		t.Errorf("error page: %.400s", page)
	}
	// A tampered PKCE challenge is caught by the identity platform.
	tamper := func(u string) string {
		x, _ := url.Parse(u)
		q := x.Query()
		q.Set("code_challenge", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		x.RawQuery = q.Encode()
		return x.String()
	}
	_, p = SignIn(context.Background(), config(s), SignInOptions{OpenBrowser: browserFor(s, tamper, pages)})
	<-pages
	if p == nil || p.Code != "entra.aadsts.501481" {
		t.Fatalf("tampered verifier: %v", p)
	}
	// Nobody signs in: a yellow timeout, quickly.
	start := time.Now()
	_, p = SignIn(context.Background(), config(s), SignInOptions{Timeout: 200 * time.Millisecond, OpenBrowser: func(string) error { return nil }})
	if p == nil || p.Code != "oauth.timeout" || p.Level != status.Yellow || time.Since(start) > 3*time.Second {
		t.Fatalf("timeout: %v after %v", p, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, p = SignIn(ctx, config(s), SignInOptions{OpenBrowser: func(string) error { return nil }}); p == nil || p.Code != "oauth.canceled" {
		t.Fatalf("cancel: %v", p)
	}
}

func TestSignInManualPaste(t *testing.T) {
	s := sandbox(t, true)
	cfg := config(s)
	cfg.RedirectMode = account.RedirectNativeClient
	final := make(chan string, 1)
	noFollow := s.HTTPClient()
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	opts := SignInOptions{
		OpenBrowser: func(u string) error {
			resp, err := noFollow.Get(u)
			if err != nil {
				return err
			}
			resp.Body.Close()
			final <- resp.Header.Get("Location")
			return nil
		},
		ReadPasted: func(ctx context.Context) (string, error) { return <-final, nil },
	}
	tok, p := SignIn(context.Background(), cfg, opts)
	if p != nil || tok.RefreshToken == "" {
		t.Fatalf("paste flow: %v", p)
	}
	for in, code := range map[string]string{
		"": "oauth.paste_empty",
		"https://login.microsoftonline.com/common/oauth2/nativeclient":                                                               "oauth.paste_no_code",
		"https://login.microsoftonline.com/common/oauth2/nativeclient?code=abc&state=other":                                          "oauth.bad_state",
		"https://login.microsoftonline.com/common/oauth2/nativeclient?error=access_denied&error_description=AADSTS65004%3A+declined": "entra.aadsts.65004",
	} {
		if _, p := ParsePasted(in, "mine"); p == nil || p.Code != code {
			t.Errorf("%q: %v, want %s", in, p, code)
		}
	}
	if c, p := ParsePasted("https://login.microsoftonline.com/common/oauth2/nativeclient?code=abc&state=mine", "mine"); p != nil || c != "abc" {
		t.Errorf("good paste: %q %v", c, p)
	}
}

func TestRefreshAndClientCredentials(t *testing.T) {
	s := sandbox(t, true)
	s.SetStrictRotation(true) // a spent refresh token must fail, not pass unseen
	pages := make(chan string, 1)
	cfg := config(s)
	tok, p := SignIn(context.Background(), cfg, SignInOptions{OpenBrowser: browserFor(s, nil, pages)})
	if p != nil {
		t.Fatal(p)
	}
	t2, p := Refresh(context.Background(), cfg, tok.RefreshToken)
	if p != nil || t2.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v", p)
	}
	if _, p = Refresh(context.Background(), cfg, tok.RefreshToken); p == nil || p.Level != status.Yellow {
		t.Fatalf("spent refresh token: %v", p)
	}
	if strings.Contains(p.Error(), tok.RefreshToken) {
		t.Error("token in error")
	}
	app := &Config{Authority: s.Authority(), Tenant: s.TenantID(), ClientID: identity.ConfidentialClientID,
		ClientSecret: s.ConfidentialSecret(), HTTPClient: s.HTTPClient()}
	at, p := ClientCredentials(context.Background(), app)
	if p != nil {
		t.Fatal(p)
	}
	c, _ := DecodeClaims(at.AccessToken)
	if len(c.Roles) != 3 || c.User() != "" {
		t.Errorf("app claims: %+v", c)
	}
	app.ClientSecret = "wrong"
	if _, p := ClientCredentials(context.Background(), app); p == nil || p.Code != "entra.aadsts.7000215" {
		t.Errorf("wrong secret: %v", p)
	}
	// Unreachable identity platform: red, naming the host.
	dead := *cfg
	dead.Authority = "https://127.0.0.1:1"
	if _, p := Refresh(context.Background(), &dead, "x"); p == nil || p.Code != "oauth.unreachable" || p.Args["host"] != "127.0.0.1:1" {
		t.Errorf("unreachable: %v", p)
	}
	// Untrusted certificate: red TLS problem.
	untrusted := *cfg
	untrusted.HTTPClient = &http.Client{}
	if _, p := Refresh(context.Background(), &untrusted, "x"); p == nil || p.Code != "oauth.tls" {
		t.Errorf("tls: %v", p)
	}
}
