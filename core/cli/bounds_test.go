package cli

import (
	"strings"
	"testing"
	"time"

	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
)

// addAuthorized adds an account for login on the sandbox's servers and
// signs it in once (the sandbox must consent on its own: AutoConsent).
func (h *sandboxCLI) addAuthorized(name, login string, extra ...string) {
	h.t.Helper()
	if out, errs, code := h.run("", h.addArgs(name, login, extra...)...); code != ExitOK {
		h.t.Fatalf("add %s: %d\n%s%s", name, code, out, errs)
	}
	if out, errs, code := h.run("", "authorize", name); code != ExitOK {
		h.t.Fatalf("authorize %s: %d\n%s%s", name, code, out, errs)
	}
}

// TestTimeoutBoundsAStalledTokenEndpoint: a token endpoint that holds its
// answer back for 60 s cannot hold `check --timeout 5s` (or send-test) for
// longer than the 5 s — the token fetch is part of the account's check.
func TestTimeoutBoundsAStalledTokenEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out two 5-second timeouts")
	}
	// Access tokens that live 5 minutes are never reused (they are within
	// the reuse margin), so every run asks the token endpoint.
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true, Identity: identity.Options{AccessTTL: 5 * time.Minute}})
	h.addAuthorized("anna", "anna@contoso.example")
	h.sb.Identity.SetFault(identity.Fault{Endpoint: "refresh", DelayMS: 60_000})
	for _, args := range [][]string{{"check", "anna", "--timeout", "5s"}, {"send-test", "anna", "--timeout", "5s"}} {
		start := time.Now()
		out, errs, code := h.run("", args...)
		took := time.Since(start)
		t.Logf("%s, token endpoint stalled for 60 s: exit %d after %s", strings.Join(args, " "), code, took.Round(10*time.Millisecond))
		if took > 10*time.Second {
			t.Errorf("%v took %s, want about 5 s", args, took)
		}
		if code == ExitOK {
			t.Errorf("%v passed without a token:\n%s%s", args, out, errs)
		}
	}
	// diagnose reads the token's claims and then checks: each within the
	// timeout, so twice 2 s at most.
	start := time.Now()
	h.run("", "diagnose", "anna", "--timeout", "2s")
	took := time.Since(start)
	t.Logf("diagnose anna --timeout 2s, token endpoint stalled for 60 s: %s", took.Round(10*time.Millisecond))
	if took > 8*time.Second {
		t.Errorf("diagnose --timeout 2s took %s", took)
	}
}

// TestAuthorizeTimeoutBoundsDevicePolling: `authorize --device --timeout`
// ends the polling at the timeout, not when the device code expires
// (15 minutes at Entra), and says that the time ran out.
func TestAuthorizeTimeoutBoundsDevicePolling(t *testing.T) {
	h := newSandboxCLI(t)
	id := h.sb.Identity
	if _, errs, code := h.run("", "account", "add", "anna", "--login", "anna@contoso.example", "--tenant", id.Authority()+"/"+id.TenantID()+"/",
		"--client-id", identity.PublicClientID, "--imap", h.sb.Mail.IMAPAddr(), "--pop3", "off", "--smtp", "off"); code != ExitOK {
		t.Fatalf("add: %d %s", code, errs)
	}
	start := time.Now()
	done := make(chan struct{})
	var errs string
	var code int
	go func() { _, errs, code = h.run("", "authorize", "anna", "--device", "--timeout", "2s"); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("device polling ignored --timeout 2s")
	}
	took := time.Since(start)
	t.Logf("authorize --device --timeout 2s, nobody signs in: exit %d after %s", code, took.Round(10*time.Millisecond))
	if code == ExitOK || took > 6*time.Second || !strings.Contains(errs, "not finished within") {
		t.Errorf("exit %d after %s:\n%s", code, took, errs)
	}
}
