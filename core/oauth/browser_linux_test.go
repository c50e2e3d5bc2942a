package oauth

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailoauth/core/i18n"
)

// TestDefaultBrowserIsPkgBrowser: with no OpenBrowser given, the sign-in
// address goes to the system's opener through pkg/browser (xdg-open on
// Linux; a stand-in here, first in PATH), off the caller's goroutine.
func TestDefaultBrowserIsPkgBrowser(t *testing.T) {
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
