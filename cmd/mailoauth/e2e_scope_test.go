//go:build e2e

package main

import (
	"path/filepath"
	"testing"
)

// TestConfigFoldersKeepTheirOwnSignIns: two config folders of one OS user
// (the window's, and a script's own --config-dir with an import of the same
// accounts) share the user's one keyring, but not its entries: the second
// folder's imported account is not signed in by the first one's sign-in,
// and removing it there leaves the first folder's account signed in.
func TestConfigFoldersKeepTheirOwnSignIns(t *testing.T) {
	h := newHarness(t)
	login := "anna@" + h.sb.Domain
	h.must(0, "", "account", "add", "demo", "--login", login, "--tenant", h.sb.Authority+"/"+h.sb.TenantID+"/",
		"--client-id", h.sb.PublicClientID, "--imap", h.sb.IMAP, "--pop3", h.sb.POP3, "--smtp", h.sb.SMTP, "--smtp-security", "starttls")
	h.must(0, "", "authorize", "demo")
	h.must(0, "", "check", "demo")
	export := filepath.Join(h.dir, "export.json")
	h.must(0, "", "export", export)

	other := []string{"--config-dir", filepath.Join(h.dir, "script-config")}
	h.must(0, "", append([]string{"import", export}, other...)...)
	// Imported accounts carry no tokens — in this folder too.
	h.must(1, "", append([]string{"check", "demo"}, other...)...)
	h.must(0, "", append([]string{"authorize", "demo"}, other...)...)
	h.must(0, "", append([]string{"check", "demo"}, other...)...)
	h.must(0, "", append([]string{"account", "remove", "demo"}, other...)...)
	// The first folder's sign-in is untouched.
	h.must(0, "", "check", "demo")
	h.leakScan(export)
}
