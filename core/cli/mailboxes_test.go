package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"mailoauth/core/sandbox/identity"
)

// `account add` with several --mailbox (or a list) makes one account per
// mailbox for the one login; one authorize signs them all in.
func TestAccountAddSeveralMailboxes(t *testing.T) {
	h := newSandboxCLI(t)
	d := h.sb.Identity.Domains()[0]
	out, errs, code := h.run("", "account", "add", "buero", "--login", "anna@"+d,
		"--tenant", h.sb.Identity.Authority()+"/"+h.sb.Identity.TenantID()+"/", "--client-id", identity.PublicClientID,
		"--mailbox", "info@"+d, "--mailbox", "buchhaltung@"+d+", support@"+d)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	lout, _, _ := h.run("", "account", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(lout), &list); err != nil || len(list) != 3 {
		t.Fatalf("accounts: %v\n%s", err, lout)
	}
	for i, want := range []string{"buero-buchhaltung", "buero-info", "buero-support"} {
		if list[i]["name"] != want || list[i]["login"] != "anna@"+d {
			t.Errorf("account %d: %v", i, list[i])
		}
	}
	if !strings.Contains(out, "buero-support") {
		t.Errorf("output:\n%s", out)
	}
	// A name already taken stops all of them.
	_, errs, code = h.run("", "account", "add", "buero", "--login", "anna@"+d,
		"--tenant", h.sb.Identity.Authority()+"/"+h.sb.Identity.TenantID()+"/", "--client-id", identity.PublicClientID,
		"--mailbox", "info@"+d, "--mailbox", "neu@"+d)
	if code == ExitOK || !strings.Contains(errs, "buero-info") {
		t.Fatalf("taken name: exit %d\n%s", code, errs)
	}
	if lout, _, _ = h.run("", "account", "list", "--json"); strings.Contains(lout, "buero-neu") {
		t.Error("a half-done add left buero-neu behind")
	}
}

// TestAccountAddOnePathForOneAndMany: one --mailbox and several go the same
// way: the tenant given as a domain is resolved (and said so) for both,
// --json is one object for one account and a list for several.
func TestAccountAddOnePathForOneAndMany(t *testing.T) {
	h := newSandboxCLI(t)
	d := h.sb.Identity.Domains()[0]
	add := func(name string, boxes ...string) (string, string) {
		t.Helper()
		args := []string{"--json", "account", "add", name, "--login", "anna@" + d, "--tenant", h.sb.Identity.Authority() + "/" + d + "/",
			"--client-id", identity.PublicClientID}
		for _, b := range boxes {
			args = append(args, "--mailbox", b)
		}
		out, errs, code := h.run("", args...)
		if code != ExitOK {
			t.Fatalf("%s: exit %d\n%s%s", name, code, out, errs)
		}
		if !strings.Contains(errs, h.sb.Identity.TenantID()) {
			t.Errorf("%s: the resolved tenant is not named:\n%s", name, errs)
		}
		return out, errs
	}
	out, _ := add("eins", "info@"+d)
	var one map[string]any
	if err := json.Unmarshal([]byte(out), &one); err != nil || one["mailbox"] != "info@"+d || one["tenant"] != h.sb.Identity.TenantID() {
		t.Fatalf("one: %v\n%s", err, out)
	}
	out, _ = add("viele", "info@"+d, "support@"+d)
	var many []map[string]any
	if err := json.Unmarshal([]byte(out), &many); err != nil || len(many) != 2 || many[1]["tenant"] != h.sb.Identity.TenantID() {
		t.Fatalf("many: %v\n%s", err, out)
	}
}
