package oauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailoauth/core/i18n"
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

// TestDefaultBrowserIsPkgBrowser: with no OpenBrowser given, the sign-in
// address goes to the system's opener through pkg/browser (xdg-open on
// Linux; a stand-in here, first in PATH), off the caller's goroutine.
func TestDefaultBrowserIsPkgBrowser(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("xdg-open stand-in is Linux only")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "opened")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no fifo:", err)
	}
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" > '" + fifo + "'\n"
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))

	s := sandbox(t, true)
	opened := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo) // blocks until the stand-in writes
		opened <- strings.TrimSpace(string(b))
	}()
	// The stand-in only records; this goroutine plays the user's browser.
	go func() {
		select {
		case u := <-opened:
			if resp, err := s.HTTPClient().Get(u); err == nil {
				resp.Body.Close()
			}
		case <-time.After(10 * time.Second):
		}
	}()
	tok, p := SignIn(context.Background(), config(s), SignInOptions{Lang: i18n.EN, Timeout: 10 * time.Second})
	if p != nil || tok == nil {
		t.Fatalf("sign-in through xdg-open: %v", p)
	}
}
