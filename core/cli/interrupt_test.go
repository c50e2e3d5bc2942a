package cli

import (
	"context"
	"io"
	"testing"
	"time"

	"mailoauth/core/sandbox"
)

// A sign-in waiting for a browser that never comes back ends when the
// caller's context ends, as on Ctrl+C — not after the five minutes a
// sign-in may take.
func TestCallerContextEndsAWaitingSignIn(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true})
	if _, errs, code := h.run("", h.addArgs("w", "anna@contoso.example")...); code != ExitOK {
		t.Fatalf("add: %d %s", code, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opened := make(chan struct{}, 1)
	env := h.env("", io.Discard, io.Discard)
	env.Context = ctx
	// The user never signs in, and types nothing.
	env.OpenBrowser = func(string) error { opened <- struct{}{}; return nil }
	stdin, never := io.Pipe()
	defer never.Close()
	env.Stdin = stdin
	done := make(chan int, 1)
	go func() { done <- Main([]string{"--config-dir", h.dir, "--lang", "en", "authorize", "w"}, env) }()
	select {
	case <-opened:
	case code := <-done:
		t.Fatalf("authorize ended before the sign-in began: %d", code)
	case <-time.After(20 * time.Second):
		t.Fatal("the sign-in never opened the browser")
	}
	cancel()
	select {
	case code := <-done:
		if code == ExitOK {
			t.Errorf("a canceled sign-in ended with exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("authorize went on waiting after the caller's context ended")
	}
}
