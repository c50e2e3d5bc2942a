package cli

import (
	"strings"
	"testing"
	"time"

	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
)

// TestChecksShareOneAccessToken: each `mailoauth check` is a new process;
// they share the access token through the keyring, so ten checks make no
// token request beyond the sign-in's. A token the server has ended early
// is replaced at once, and a revoked sign-in still says "authorize again".
func TestChecksShareOneAccessToken(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true})
	const login = "anna@contoso.example"
	h.addAuthorized("anna", login)
	for i := range 10 {
		if out, errs, code := h.run("", "check", "anna"); code != ExitOK {
			t.Fatalf("check %d: %d\n%s%s", i, code, out, errs)
		}
	}
	n := h.sb.Identity.RefreshCount(login)
	t.Logf("10 checks (separate runs, one keyring) after authorize: %d token request(s)", n)
	if n != 0 {
		t.Errorf("%d token requests for 10 checks within the token's lifetime, want 0", n)
	}
	// The servers no longer take the kept token: the check fetches a new
	// one and stays green.
	h.sb.Identity.ExpireAccessTokens()
	if out, errs, code := h.run("", "check", "anna"); code != ExitOK {
		t.Fatalf("check after the token was ended early: %d\n%s%s", code, out, errs)
	}
	if n := h.sb.Identity.RefreshCount(login); n != 1 {
		t.Errorf("%d token requests after the early end, want 1", n)
	}
	// Revoked and ended: yellow, authorize again — not a red sign-in refusal.
	h.sb.Identity.RevokeUser(login)
	h.sb.Identity.ExpireAccessTokens()
	if out, errs, code := h.run("", "check", "anna"); code != 1 {
		t.Fatalf("check after revocation: exit %d, want 1\n%s%s", code, out, errs)
	}
}

// TestClockTenMinutesOff: this computer's clock is 10 minutes behind
// Microsoft's. Tokens are still judged right — checks stay green and reuse
// the kept token — and `token` says plainly that the clock is off.
func TestClockTenMinutesOff(t *testing.T) {
	ahead := func() time.Time { return time.Now().Add(10 * time.Minute) }
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true, Identity: identity.Options{Now: ahead}})
	const login = "anna@contoso.example"
	h.addAuthorized("anna", login)
	for i := range 3 {
		if out, errs, code := h.run("", "check", "anna"); code != ExitOK {
			t.Fatalf("check %d: %d\n%s%s", i, code, out, errs)
		}
	}
	if n := h.sb.Identity.RefreshCount(login); n != 0 {
		t.Errorf("%d token requests with the clock off, want 0", n)
	}
	out, errs, code := h.run("", "token", "anna")
	if code != ExitOK || !strings.Contains(out+errs, "10 min behind") || strings.Contains(out+errs, "valid only from") {
		t.Fatalf("token: %d\n%s%s", code, out, errs)
	}
}
