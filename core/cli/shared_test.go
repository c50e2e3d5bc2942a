package cli

import (
	"strings"
	"testing"

	"mailoauth/core/results"
	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
)

// TestThreeMailboxesOneSignIn: a delegate serves info@, buchhaltung@ and
// support@. The three accounts share one sign-in: authorizing one
// authorizes all, a check of all three asks the identity platform once,
// and removing one leaves the others signed in — the shared refresh token
// goes with the last account only.
func TestThreeMailboxesOneSignIn(t *testing.T) {
	// Strict rotation: two refreshes of the one shared refresh token would
	// show up as a failed sign-in.
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true, Identity: identity.Options{StrictRotation: true}})
	const login = "anna@contoso.example"
	id := h.sb.Identity
	names := []string{"info", "buchhaltung", "support"}
	for _, n := range names {
		box := n + "@contoso.example"
		h.sb.Mail.Grant(login, box)
		if _, errs, code := h.run("", h.addArgs(n, login, "--mailbox", box)...); code != ExitOK {
			t.Fatalf("add %s: %d %s", n, code, errs)
		}
	}
	if out, errs, code := h.run("", "authorize", "info"); code != ExitOK {
		t.Fatalf("authorize info: %d\n%s%s", code, out, errs)
	}
	if out, errs, code := h.run("", "check"); code != ExitOK {
		t.Fatalf("check of all three after one authorization: %d\n%s%s", code, out, errs)
	}
	// Token health knows it too: each of the three was authorized as anna.
	for _, n := range names {
		if e, p := results.Open(h.dir).Get(n); p != nil || e.Token.AuthorizedAs != login {
			t.Errorf("token health of %s: %+v %v", n, e.Token, p)
		}
	}
	// The access token has ended early at the servers: one refresh renews
	// it for all three.
	id.ExpireAccessTokens()
	if out, errs, code := h.run("", "check"); code != ExitOK {
		t.Fatalf("check after the early end: %d\n%s%s", code, out, errs)
	}
	n := id.RefreshCount(login)
	t.Logf("3 mailboxes, 1 authorization: %d token request(s) for a check of all three", n)
	if n != 1 {
		t.Errorf("%d refreshes for a check of three accounts of one sign-in, want 1", n)
	}
	// Removing one account leaves the sign-in of the others.
	if _, errs, code := h.run("", "account", "remove", "info"); code != ExitOK {
		t.Fatalf("remove info: %d %s", code, errs)
	}
	id.ExpireAccessTokens()
	if out, errs, code := h.run("", "check"); code != ExitOK || strings.Contains(out, "info") {
		t.Fatalf("check after removing info: %d\n%s%s", code, out, errs)
	}
	// With the last account the shared sign-in leaves the keyring.
	for _, n := range names[1:] {
		if _, errs, code := h.run("", "account", "remove", n); code != ExitOK {
			t.Fatalf("remove %s: %d %s", n, code, errs)
		}
	}
	if e := h.mem.Entries(); e != 0 {
		t.Errorf("%d keyring entries left after removing every account", e)
	}
}
