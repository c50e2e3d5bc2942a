package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnknownNameIsUsageError: every command that takes account names
// answers a name that is no account, and an account file it cannot read,
// with exit 3 and the store's message — before any sign-in or check.
func TestUnknownNameIsUsageError(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := run(t, dir, "account", "add", "a1", "--login", "a@contoso.com", "--tenant", guid, "--client-id", guid); code != ExitOK {
		t.Fatalf("add: %d %s", code, errs)
	}
	cmds := [][]string{{"authorize"}, {"token"}, {"access-token"}, {"logout"}, {"consent", "--no-browser"}, {"card"}, {"diagnose"},
		{"send-test"}, {"account", "show"}, {"account", "remove"}, {"check"}, {"check", "--format", "json"}}
	for _, c := range cmds {
		_, errs, code := run(t, dir, append(append([]string{"--lang", "en"}, c...), "missing")...)
		if code != ExitUsage || !strings.Contains(errs, `There is no account named "missing".`) {
			t.Errorf("%v missing: exit %d, stderr %q", c, code, errs)
		}
	}
	// An account file of a newer version cannot be read: exit 3 as before.
	if err := os.WriteFile(filepath.Join(dir, "accounts.json"), []byte(`{"schema": 99, "accounts": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		if _, errs, code := run(t, dir, append(append([]string{"--lang", "en"}, c...), "a1")...); code != ExitUsage {
			t.Errorf("%v with a newer account file: exit %d, stderr %q", c, code, errs)
		}
	}
	if _, _, code := run(t, dir, "card", "a1", "--product", "nonesuch"); code != ExitUsage {
		t.Errorf("card with an unknown product: exit %d", code)
	}
}
