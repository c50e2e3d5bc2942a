package oauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
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
		{"proxy error page", 502, "<html><body>Bad Gateway</body></html>", "entra.bad_answer"},
		{"captive portal", 200, "<html>Please log in to the hotel WiFi</html>", "entra.bad_answer"},
		{"no access token", 200, `{"token_type":"Bearer","expires_in":3599}`, "entra.bad_answer"},
		{"truncated", 200, `{"access_token":"eyJ`, "entra.bad_answer"},
		{"empty", 500, "", "entra.bad_answer"},
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
