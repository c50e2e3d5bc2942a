package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
)

// TestImportedMailboxesShareOneSignIn: three mailboxes of one login that
// come in by import (into another config folder, so with no sign-in yet)
// are one sign-in there: authorizing one authorizes all three (and says
// so), and a check of all three refreshes once.
func TestImportedMailboxesShareOneSignIn(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true, Identity: identity.Options{StrictRotation: true}})
	const login = "anna@contoso.example"
	names := []string{"info", "buchhaltung", "support"}
	for _, n := range names {
		box := n + "@contoso.example"
		h.sb.Mail.Grant(login, box)
		if _, errs, code := h.run("", h.addArgs(n, login, "--mailbox", box)...); code != ExitOK {
			t.Fatalf("add %s: %d %s", n, code, errs)
		}
	}
	file := filepath.Join(t.TempDir(), "accounts.json")
	if _, errs, code := h.run("", "export", file); code != ExitOK {
		t.Fatalf("export: %d %s", code, errs)
	}
	h.dir = t.TempDir() // the folder of another workstation or script
	if _, errs, code := h.run("", "import", file); code != ExitOK {
		t.Fatalf("import: %d %s", code, errs)
	}
	if _, _, code := h.run("", "check"); code == ExitOK {
		t.Fatal("imported accounts checked green before any sign-in")
	}
	if out, errs, code := h.run("", "authorize", "support"); code != ExitOK || !strings.Contains(out, "The same sign-in serves buchhaltung, info ") {
		t.Fatalf("authorize support (and say whom else): %d\n%s%s", code, out, errs)
	}
	if out, errs, code := h.run("", "check"); code != ExitOK || strings.Count(out, "green") < 3 {
		t.Fatalf("check of the three after one authorization: %d\n%s%s", code, out, errs)
	}
	h.sb.Identity.ExpireAccessTokens()
	before := h.sb.Identity.RefreshCount(login)
	if out, errs, code := h.run("", "check"); code != ExitOK {
		t.Fatalf("check after the early end: %d\n%s%s", code, out, errs)
	}
	if n := h.sb.Identity.RefreshCount(login) - before; n != 1 {
		t.Errorf("%d refreshes for a check of three imported accounts of one sign-in, want 1", n)
	}
}
