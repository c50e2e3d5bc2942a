package oauth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

// recorder keeps every form posted to the token endpoint.
type recorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	forms []url.Values
	basic []bool
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/token") {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		f, _ := url.ParseQuery(string(b))
		r.mu.Lock()
		r.forms = append(r.forms, f)
		r.basic = append(r.basic, req.Header.Get("Authorization") != "")
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

func recorded(s *identity.Server) (*http.Client, *recorder) {
	hc := s.HTTPClient()
	rec := &recorder{next: hc.Transport}
	hc.Transport = rec
	return hc, rec
}

// consentBrowser is a stand-in browser for a sandbox that shows its consent
// page: it loads the sign-in address, answers the page (accept or cancel)
// and follows the redirect into our loopback listener.
func consentBrowser(t *testing.T, s *identity.Server, answer string, page chan<- string) func(string) error {
	hidden := regexp.MustCompile(`name="request" value="([^"]+)"`)
	return func(u string) error {
		hc := s.HTTPClient()
		resp, err := hc.Get(u)
		if err != nil {
			page <- err.Error()
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := hidden.FindSubmatch(b)
		if m == nil {
			page <- "no consent page: " + string(b)
			return errors.New("no consent page")
		}
		consent := strings.Replace(strings.SplitN(u, "?", 2)[0], "/authorize", "/consent", 1)
		resp, err = hc.PostForm(consent, url.Values{"request": {string(m[1])}, "answer": {answer}, "user": {"anna@contoso.example"}})
		if err != nil {
			page <- err.Error()
			return err
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		page <- resp.Status + "\n" + string(b)
		return nil
	}
}

func TestSignInConsentPage(t *testing.T) {
	s := sandbox(t, false)
	for _, tc := range []struct {
		answer, code string
		tabStatus    string
	}{
		{"cancel", "entra.aadsts.65004", "400"},
		{"accept", "", "200"},
	} {
		page := make(chan string, 1)
		tok, p := SignIn(context.Background(), config(s), SignInOptions{Lang: i18n.EN, OpenBrowser: consentBrowser(t, s, tc.answer, page)})
		tab := <-page
		if !strings.HasPrefix(tab, tc.tabStatus) {
			t.Errorf("%s: tab %.300s", tc.answer, tab)
		}
		if tc.code == "" {
			if p != nil || tok == nil || tok.AccessToken == "" {
				t.Errorf("accept: %v", p)
			}
			continue
		}
		if p == nil || p.Code != tc.code || p.Level != status.Yellow {
			t.Errorf("%s: %v, want yellow %s", tc.answer, p, tc.code)
		} else if !strings.Contains(tab, htmlEscape(p.Fix(i18n.EN))) {
			t.Errorf("%s: the tab does not say what to do: %.500s", tc.answer, tab)
		}
	}
}

// TestTokenRequestsOnTheWire: what goes to the token endpoint, checked on
// the wire and by the sandbox (it rejects a public client with a secret,
// AADSTS700025, and a refresh without scope, AADSTS900144).
func TestTokenRequestsOnTheWire(t *testing.T) {
	s := sandbox(t, true)
	hc, rec := recorded(s)
	cfg := config(s)
	cfg.HTTPClient = hc
	pages := make(chan string, 1)
	tok, p := SignIn(context.Background(), cfg, SignInOptions{OpenBrowser: browserFor(s, nil, pages)})
	<-pages
	if p != nil {
		t.Fatal(p)
	}
	if _, p := Refresh(context.Background(), cfg, tok.RefreshToken); p != nil {
		t.Fatal(p)
	}
	wantScope := strings.Join(cfg.Scopes, " ")
	if len(rec.forms) != 2 {
		t.Fatalf("%d token requests", len(rec.forms))
	}
	for i, f := range rec.forms {
		if _, has := f["client_secret"]; has || rec.basic[i] {
			t.Errorf("request %d: a public client sent a secret", i)
		}
		if f.Get("client_id") != identity.PublicClientID || f.Get("scope") != wantScope {
			t.Errorf("request %d: client_id %q scope %q", i, f.Get("client_id"), f.Get("scope"))
		}
	}
	if f := rec.forms[0]; f.Get("grant_type") != "authorization_code" || f.Get("code_verifier") == "" ||
		!strings.HasPrefix(f.Get("redirect_uri"), "http://localhost:") {
		t.Errorf("code redemption: %v", f)
	}
	if f := rec.forms[1]; f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != tok.RefreshToken {
		t.Errorf("refresh: %v", f)
	}

	// The sandbox would notice: a refresh without scope is refused...
	noScope := *cfg
	noScope.Scopes = nil
	if _, p := Refresh(context.Background(), &noScope, "whatever"); p == nil || p.Code != "entra.aadsts.900144" {
		t.Errorf("refresh without scope: %v", p)
	}
	// ...and so is a public client that sends a secret.
	withSecret := *cfg
	withSecret.ClientSecret = "not-for-public-clients"
	if _, p := Refresh(context.Background(), &withSecret, "whatever"); p == nil || p.Code != "entra.aadsts.700025" {
		t.Errorf("public client with secret: %v", p)
	}
}

func TestConfidentialDelegatedSignIn(t *testing.T) {
	s := sandbox(t, true)
	hc, rec := recorded(s)
	cfg := config(s)
	cfg.ClientID = identity.ConfidentialClientID
	cfg.ClientSecret = s.ConfidentialSecret()
	cfg.HTTPClient = hc
	pages := make(chan string, 1)
	tok, p := SignIn(context.Background(), cfg, SignInOptions{OpenBrowser: browserFor(s, nil, pages)})
	<-pages
	if p != nil {
		t.Fatal(p)
	}
	if _, p := Refresh(context.Background(), cfg, tok.RefreshToken); p != nil {
		t.Fatal(p)
	}
	for i, f := range rec.forms {
		if f.Get("client_secret") != s.ConfidentialSecret() || rec.basic[i] {
			t.Errorf("request %d: secret not in the form (basic auth %v)", i, rec.basic[i])
		}
	}
	cfg.ClientSecret = ""
	if _, p := Refresh(context.Background(), cfg, tok.RefreshToken); p == nil || p.Code != "entra.aadsts.7000218" {
		t.Errorf("confidential client without secret: %v", p)
	}
}

func TestUnreachableThroughProxy(t *testing.T) {
	s := sandbox(t, true)
	cfg := config(s)
	dead, _ := url.Parse("http://127.0.0.1:1")
	tr := s.HTTPClient().Transport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyURL(dead)
	cfg.HTTPClient = &http.Client{Transport: tr}
	_, p := Refresh(context.Background(), cfg, "x")
	host := strings.TrimPrefix(s.Authority(), "https://")
	if p == nil || p.Code != "oauth.unreachable_proxy" || p.Args["proxy"] != "127.0.0.1:1" || p.Args["host"] != host {
		t.Fatalf("proxy: %v %v", p, p.Args)
	}
	if msg := p.Message(i18n.EN); !strings.Contains(msg, "127.0.0.1:1") || !strings.Contains(msg, host) {
		t.Errorf("message does not name both: %s", msg)
	}
}

// TestTokenRequestDeadline: an identity platform that never answers ends
// in a yellow "did not answer in time" within the caller's deadline, not in
// a hang and not in a red "unreachable".
func TestTokenRequestDeadline(t *testing.T) {
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-stall })}
	ln := listenLocal(t)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	cfg := &Config{Authority: "http://" + ln.Addr().String(), Tenant: "t", ClientID: "c", Scopes: []string{"s"}}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, p := Refresh(ctx, cfg, "x")
	if p == nil || p.Code != "entra.no_answer" || p.Level != status.Yellow || time.Since(start) > 3*time.Second {
		t.Fatalf("stalled endpoint: %v after %v", p, time.Since(start))
	}
}

func TestSignInManualTimeoutAndCancel(t *testing.T) {
	s := sandbox(t, true)
	cfg := config(s)
	cfg.RedirectMode = account.RedirectNativeClient
	opened := make(chan string, 1)
	block := make(chan struct{})
	defer close(block)
	// A reader that ignores ctx, like a blocked terminal read.
	stuck := func(context.Context) (string, error) { <-block; return "", io.EOF }
	opts := SignInOptions{Lang: i18n.EN, Timeout: 200 * time.Millisecond, OpenBrowser: func(u string) error { opened <- u; return nil }}
	start := time.Now()
	_, p := SignInManual(context.Background(), cfg, stuck, opts)
	if p == nil || p.Code != "oauth.timeout" || time.Since(start) > 3*time.Second ||
		!strings.Contains(p.Message(i18n.EN), "200ms") {
		t.Fatalf("timeout: %v after %v", p, time.Since(start))
	}
	u, _ := url.Parse(<-opened)
	if u.Query().Get("redirect_uri") != account.NativeClientURI {
		t.Errorf("redirect_uri %q", u.Query().Get("redirect_uri"))
	}
	// No reader at all (the GUI has no paste box yet): a clear problem.
	if _, p := SignIn(context.Background(), cfg, SignInOptions{OpenBrowser: func(string) error { return nil }}); p == nil || p.Code != "oauth.paste_unsupported" {
		t.Errorf("no reader: %v", p)
	}
	// Reader gives up (Ctrl+D): cancelled.
	eof := func(context.Context) (string, error) { return "", io.EOF }
	if _, p := SignInManual(context.Background(), cfg, eof, SignInOptions{OpenBrowser: func(string) error { return nil }}); p == nil || p.Code != "oauth.canceled" {
		t.Errorf("eof: %v", p)
	}
	// A pasted address of another sign-in (old tab): wrong state.
	other := func(context.Context) (string, error) {
		return account.NativeClientURI + "?code=0.AXabc&state=someone-elses", nil
	}
	if _, p := SignInManual(context.Background(), cfg, other, SignInOptions{OpenBrowser: func(string) error { return nil }}); p == nil || p.Code != "oauth.bad_state" {
		t.Errorf("foreign state: %v", p)
	}
}

// TestNoSecretInProblems collects the problems of failed sign-ins and
// refreshes and searches them for every code and token the sandbox issued.
func TestNoSecretInProblems(t *testing.T) {
	s := sandbox(t, true)
	s.SetStrictRotation(true) // the spent refresh token below must be refused
	cfg := config(s)
	pages := make(chan string, 1)
	tok, p := SignIn(context.Background(), cfg, SignInOptions{OpenBrowser: browserFor(s, nil, pages)})
	<-pages
	if p != nil {
		t.Fatal(p)
	}
	var problems []*status.Problem
	add := func(_ *Token, p *status.Problem) {
		if p == nil {
			t.Error("expected a problem")
			return
		}
		problems = append(problems, p)
	}
	t2, p := Refresh(context.Background(), cfg, tok.RefreshToken)
	if p != nil {
		t.Fatal(p)
	}
	add(Refresh(context.Background(), cfg, tok.RefreshToken)) // spent
	s.RevokeUser("anna@contoso.example")
	add(Refresh(context.Background(), cfg, t2.RefreshToken))
	add(Exchange(context.Background(), cfg, "0.AXforged", "verifier", "http://localhost:1"))
	withSecret := *cfg
	withSecret.ClientSecret = "sbx~a-secret-that-must-not-show"
	add(Refresh(context.Background(), &withSecret, t2.RefreshToken))
	secrets := append(s.Issued(), withSecret.ClientSecret)
	for _, p := range problems {
		text := p.Error() + "\n" + p.Detail + "\n" + p.Message(i18n.EN) + "\n" + p.Fix(i18n.DE)
		for _, v := range secrets {
			if len(v) > 8 && strings.Contains(text, v) {
				t.Errorf("%s carries a secret: %.80s", p.Code, v)
			}
		}
	}
}

func listenLocal(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
