package oauth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

// TestPreflightShowsPageOnlyErrors: for each error Entra shows on its own
// page, the sign-in ends at once with our problem and fix, and the browser
// is never opened; before, it waited out the whole timeout.
func TestPreflightShowsPageOnlyErrors(t *testing.T) {
	// A loaded machine must not turn a slow pre-flight into a failure.
	old := preflightTimeout
	preflightTimeout = 30 * time.Second
	defer func() { preflightTimeout = old }()
	s := sandbox(t, true)
	for _, c := range []struct {
		name string
		cfg  func(*Config)
		code string
	}{
		{"unknown app", func(c *Config) { c.ClientID = "00000000-0000-4000-8000-000000000000" }, "entra.aadsts.700016"},
		{"unknown tenant", func(c *Config) { c.Tenant = "nobody.example" }, "entra.aadsts.90002"},
		{"redirect not registered", func(c *Config) {
			app, _ := s.LookupApp(identity.PublicClientID)
			app.ClientID, app.RedirectURIs = "2f2e3d4c-5b6a-4988-a1b2-c3d4e5f60719", []string{"https://example.com/cb"}
			s.AddApp(app)
			c.ClientID = app.ClientID
		}, "entra.aadsts.50011"},
		{"app disabled", func(c *Config) {
			app, _ := s.LookupApp(identity.PublicClientID)
			app.ClientID, app.Disabled = "3f2e3d4c-5b6a-4988-a1b2-c3d4e5f60710", true
			s.AddApp(app)
			c.ClientID = app.ClientID
		}, "entra.aadsts.7000112"},
	} {
		cfg := config(s)
		c.cfg(cfg)
		var opened atomic.Bool
		start := time.Now()
		_, p := SignIn(context.Background(), cfg, SignInOptions{Lang: i18n.DE, Timeout: time.Minute,
			OpenBrowser: func(string) error { opened.Store(true); return nil }})
		if p == nil || p.Code != c.code || p.Level != status.Red || p.Fix(i18n.DE) == "" {
			t.Errorf("%s: %v, want %s", c.name, p, c.code)
			continue
		}
		if opened.Load() || time.Since(start) > 30*time.Second {
			t.Errorf("%s: browser opened %v, took %v", c.name, opened.Load(), time.Since(start))
		}
		if !strings.Contains(p.Detail, "AADSTS") {
			t.Errorf("%s: detail %q lacks Entra's message", c.name, p.Detail)
		}
	}
	// The nativeclient flow looks first too.
	cfg := config(s)
	cfg.RedirectMode, cfg.Tenant = account.RedirectNativeClient, "nobody.example"
	_, p := SignInManual(context.Background(), cfg, func(context.Context) (string, error) {
		return "", errors.New("must not be asked")
	}, SignInOptions{OpenBrowser: func(string) error { return nil }})
	if p == nil || p.Code != "entra.aadsts.90002" {
		t.Errorf("nativeclient: %v", p)
	}
}

// TestPreflightNeverBlocks: a sign-in page, a redirect to a federation
// server, a stalled or failing pre-flight, a page that only mentions a code:
// the browser opens as before.
func TestPreflightNeverBlocks(t *testing.T) {
	old := preflightTimeout
	preflightTimeout = 300 * time.Millisecond
	defer func() { preflightTimeout = old }()
	var hits atomic.Int32
	answers := map[string]func(w http.ResponseWriter, r *http.Request){
		"signin": func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `<html><script>$Config={"urlHelp":"https://login.microsoftonline.com/error?code=50011"}</script>Sign in</html>`)
		},
		"adfs": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://adfs.contoso.example/adfs/ls/?SAMLRequest=x", http.StatusFound)
		},
		"error-redirect": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://localhost:1/?error=access_denied&error_description=AADSTS50011:+x", http.StatusFound)
		},
		"stall": func(w http.ResponseWriter, r *http.Request) {
			if hits.Add(1) == 1 {
				<-r.Context().Done()
			}
		},
		"500": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "AADSTS50000: try again", 500) },
		"other code": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			io.WriteString(w, "AADSTS65001: consent needed") // Entra redirects this one; a page is no reason to stop
		},
		"cookie": func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Cookie") != "" {
				io.WriteString(w, "AADSTS700016: sent a cookie")
				return
			}
			io.WriteString(w, "ok")
		},
	}
	for name, h := range answers {
		srv := httptest.NewServer(http.HandlerFunc(h))
		hc := srv.Client()
		cfg := &Config{Authority: srv.URL, Tenant: "contoso.com", ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718", HTTPClient: hc}
		start := time.Now()
		if p := cfg.preflight(context.Background(), srv.URL+"/contoso.com/oauth2/v2.0/authorize?x=1"); p != nil {
			t.Errorf("%s: pre-flight stopped the sign-in: %v", name, p)
		}
		if time.Since(start) > 15*time.Second {
			t.Errorf("%s: pre-flight took %v", name, time.Since(start))
		}
		srv.Close()
	}
	// The authority unreachable: go on (the browser may still get there
	// through a proxy the system knows).
	cfg := &Config{Authority: "https://127.0.0.1:1", HTTPClient: http.DefaultClient}
	if p := cfg.preflight(context.Background(), "https://127.0.0.1:1/x/oauth2/v2.0/authorize"); p != nil {
		t.Errorf("unreachable: %v", p)
	}
}

// TestPageProblem: Entra's page with the code in message form, served with
// 200 or 400, the way its script or its HTML writes it.
func TestPageProblem(t *testing.T) {
	for body, want := range map[string]string{
		`$Config={"strServiceExceptionMessage":"AADSTS700016: Application with identifier \u0027x\u0027 was not found in the directory \u0027contoso\u0027.","iErrorCode":700016}`: "entra.aadsts.700016",
		`<p>AADSTS90002: Tenant &#39;contoso.con&#39; not found.</p>`:                 "entra.aadsts.90002",
		`Message: AADSTS7000112: Application 'f8119f58'(Presence Light) is disabled.`: "entra.aadsts.7000112",
		`see AADSTS50011 in the help`:                                                 "",
		`AADSTS65001: consent`:                                                        "",
	} {
		for _, st := range []int{200, 400} {
			p := pageProblem(st, body)
			if want == "" && p != nil || want != "" && (p == nil || p.Code != want) {
				t.Errorf("%d %s: %v, want %q", st, body, p, want)
			}
			if p != nil && strings.ContainsAny(p.Detail, `\"<`) {
				t.Errorf("detail %q not unescaped or not cut at the message's end", p.Detail)
			}
		}
	}
	if p := pageProblem(302, `AADSTS700016: x`); p != nil {
		t.Error("a redirect's body judged")
	}
}

// TestTypedErrorCodes: a code read off Microsoft's page and typed or
// pasted gets our text, in the nativeclient prompt and while the loopback
// waits.
func TestTypedErrorCodes(t *testing.T) {
	for in, want := range map[string]string{
		"AADSTS50011":     "entra.aadsts.50011",
		" aadsts 700016 ": "entra.aadsts.700016",
		"Message: AADSTS90002: Tenant 'x' not found.": "entra.aadsts.90002",
	} {
		if _, p := ParsePasted(in, "st"); p == nil || p.Code != want {
			t.Errorf("pasted %q: %v, want %s", in, p, want)
		}
	}
	if code, p := ParsePasted("0.AXEAabcdef", "st"); p != nil || code != "0.AXEAabcdef" {
		t.Errorf("a bare sign-in code: %q %v", code, p)
	}
	s := sandbox(t, false) // the consent page waits for a user who never comes
	lines := make(chan string, 2)
	lines <- "no idea"
	lines <- "AADSTS50011"
	start := time.Now()
	_, p := SignIn(context.Background(), config(s), SignInOptions{Timeout: time.Minute, OpenBrowser: func(string) error { return nil },
		ReadErrorCode: func(ctx context.Context) (string, error) {
			select {
			case l := <-lines:
				return l, nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}})
	if p == nil || p.Code != "entra.aadsts.50011" || time.Since(start) > 30*time.Second {
		t.Fatalf("typed code: %v after %v", p, time.Since(start))
	}
	// An input that ends at once (no terminal) changes nothing.
	pages := make(chan string, 1)
	auto := sandbox(t, true)
	_, p = SignIn(context.Background(), config(auto), SignInOptions{Timeout: time.Minute, OpenBrowser: browserFor(auto, nil, pages),
		ReadErrorCode: func(context.Context) (string, error) { return "", io.EOF }})
	if p != nil {
		t.Fatalf("sign-in with closed input: %v", p)
	}
}
