package oauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailoauth/core/i18n"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

// TestOddTokenAnswers: what a proxy, a captive portal or a broken endpoint
// may answer instead of Microsoft's JSON becomes a problem, never a token
// and never a panic.
func TestOddTokenAnswers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		code   string
	}{
		// A 5xx page is the service (or its front end) in trouble: yellow.
		{"proxy error page", 502, "<html><body>Bad Gateway</body></html>", "entra.temporary"},
		{"proxy refuses", 407, "<html><body>Proxy Authentication Required</body></html>", "entra.bad_answer"},
		{"captive portal", 200, "<html>Please log in to the hotel WiFi</html>", "entra.bad_answer"},
		{"no access token", 200, `{"token_type":"Bearer","expires_in":3599}`, "entra.bad_answer"},
		{"truncated", 200, `{"access_token":"eyJ`, "entra.bad_answer"},
		{"empty", 500, "", "entra.temporary"},
		{"empty 200", 200, "", "entra.bad_answer"},
		{"entra error without codes", 400, `{"error":"invalid_grant","error_description":"AADSTS70008: The refresh token has expired due to inactivity."}`, "entra.reauthorize"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		cfg := &Config{Authority: srv.URL, Tenant: "t", ClientID: "c", Scopes: []string{"s"}}
		tok, p := Refresh(context.Background(), cfg, "rt")
		srv.Close()
		if tok != nil || p == nil || p.Code != tc.code {
			t.Errorf("%s: %v %v, want %s", tc.name, tok, p, tc.code)
		}
	}
}

// TestTemporaryTrouble: the identity platform's own trouble is yellow with
// the raw answer in the detail; a single 5xx is retried once after a pause,
// Retry-After is honoured up to a bound and named, and a service that stays
// in trouble gets exactly two requests, never a loop.
func TestTemporaryTrouble(t *testing.T) {
	s := sandbox(t, true)
	app := &Config{Authority: s.Authority(), Tenant: s.TenantID(), ClientID: identity.ConfidentialClientID,
		ClientSecret: s.ConfidentialSecret(), HTTPClient: s.HTTPClient()}
	counted := func(f identity.Fault) (*Token, *status.Problem, int, time.Duration) {
		t.Helper()
		s.ClearFaults()
		s.SetFault(f)
		n := 0
		inner := app.HTTPClient.Transport
		if inner == nil {
			inner = http.DefaultTransport
		}
		c := *app
		c.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			n++
			return inner.RoundTrip(r)
		})}
		start := time.Now()
		tok, p := ClientCredentials(context.Background(), &c)
		return tok, p, n, time.Since(start)
	}
	// One 503: healed by the retry.
	tok, p, n, _ := counted(identity.Fault{Endpoint: "token", HTTPStatus: 503, Times: 1})
	if tok == nil || p != nil || n != 2 {
		t.Errorf("single 503: %v %v after %d requests", tok, p, n)
	}
	// A service that keeps failing: two requests, then yellow.
	for _, f := range []identity.Fault{
		{Endpoint: "token", HTTPStatus: 500},
		{Endpoint: "token", HTTPStatus: 503, AADSTS: 50000},
		{Endpoint: "token", HTTPStatus: 500, AADSTS: 90006},
	} {
		_, p, n, _ := counted(f)
		if p == nil || p.Code != "entra.temporary" || p.Level != status.Yellow || n != 2 || !strings.Contains(p.Detail, "HTTP 50") {
			t.Errorf("%+v: %v (%d requests)", f, p, n)
		}
	}
	// Throttled with Retry-After 2: waited, retried once, the wait named.
	_, p, n, took := counted(identity.Fault{Endpoint: "token", HTTPStatus: 429, AADSTS: 90055, RetryAfter: 2})
	if p == nil || p.Code != "entra.temporary_wait" || p.Args["seconds"] != "2" || n != 2 || took < 2*time.Second {
		t.Errorf("429 Retry-After 2: %v (%d requests, %v)", p, n, took)
	}
	if !strings.Contains(p.Message(i18n.EN), "2 s") || !strings.Contains(p.Message(i18n.DE), "2 s") {
		t.Errorf("wait not named: %q", p.Message(i18n.EN))
	}
	// A wait beyond the bound is shown, not obeyed.
	_, p, n, took = counted(identity.Fault{Endpoint: "token", HTTPStatus: 429, RetryAfter: 3600})
	if p == nil || p.Code != "entra.temporary_wait" || p.Args["seconds"] != "3600" || n != 1 || took > time.Second {
		t.Errorf("429 Retry-After 3600: %v (%d requests, %v)", p, n, took)
	}
	// The OAuth error codes of a failing service, on a 400: yellow, no retry.
	for _, code := range []int{50000, 90006, 90055} {
		_, p, n, _ := counted(identity.Fault{Endpoint: "token", AADSTS: code})
		if p == nil || p.Code != "entra.temporary" || p.Level != status.Yellow || n != 1 || !strings.Contains(p.Detail, "AADSTS"+strconv.Itoa(code)) {
			t.Errorf("AADSTS%d: %v (%d requests)", code, p, n)
		}
	}
	// A slow endpoint within the caller's bound: a yellow "no answer in
	// time" at the bound.
	s.ClearFaults()
	s.SetFault(identity.Fault{Endpoint: "token", DelayMS: 60000})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, p = ClientCredentials(ctx, app)
	if p == nil || p.Code != "entra.no_answer" || p.Level != status.Yellow || time.Since(start) > 3*time.Second {
		t.Errorf("slow endpoint: %v after %v", p, time.Since(start))
	}
	// A delay shorter than the bound only delays.
	s.ClearFaults()
	s.SetFault(identity.Fault{Endpoint: "token", DelayMS: 300})
	start = time.Now()
	if tok, p := ClientCredentials(context.Background(), app); tok == nil || p != nil || time.Since(start) < 300*time.Millisecond {
		t.Errorf("short delay: %v %v after %v", tok, p, time.Since(start))
	}
}

// TestNameDoesNotResolve: a DNS failure is named as one, not as a closed
// port, and stays red.
func TestNameDoesNotResolve(t *testing.T) {
	cfg := &Config{Authority: "https://login.no-such-host.invalid", Tenant: "t", ClientID: "c", Scopes: []string{"s"}}
	_, p := Refresh(context.Background(), cfg, "rt")
	if p == nil || p.Code != "oauth.dns" || p.Level != status.Red || p.Args["name"] != "login.no-such-host.invalid" {
		t.Errorf("dns: %v", p)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
