//go:build e2e

package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The whole first step through the real binary and the real keyring: an
// administrator signs in (through the stand-in browser), the registration
// is made through the sandbox's Graph, the mailbox is authorized with the
// new app and all three checks go green; app-only goes green once the
// Exchange administrator ran the script. The administrator's Graph tokens
// and the client secret appear nowhere on disk or in any output.
func TestRegisterEndToEnd(t *testing.T) {
	h := newHarness(t)
	tenantURL := h.sb.Authority + "/" + h.sb.TenantID + "/"
	admin := "admin@" + h.sb.Domain
	servers := []string{"--imap", h.sb.IMAP, "--pop3", h.sb.POP3, "--smtp", h.sb.SMTP, "--smtp-security", "starttls"}
	green := func(out string) {
		t.Helper()
		var res []map[string]any
		if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 3 {
			t.Fatalf("check: %v\n%s", err, out)
		}
		for _, r := range res {
			if r["status"] != "green" {
				t.Errorf("%v: %v %v", r["protocol"], r["status"], r["message"])
			}
		}
	}

	h.must(0, "", append([]string{"register", "--tenant", tenantURL, "--admin", admin, "--account", "anna",
		"--login", "anna@" + h.sb.Domain}, servers...)...)
	h.must(0, "", "authorize", "anna")
	green(h.must(0, "", "check", "anna", "--json"))
	if out := h.must(0, "", append([]string{"register", "--tenant", tenantURL, "--admin", admin, "--account", "anna",
		"--login", "anna@" + h.sb.Domain}, servers...)...); !strings.Contains(out, "found") {
		t.Errorf("rerun:\n%s", out)
	}

	mailbox := "info@" + h.sb.Domain
	out := h.must(0, "", append([]string{"register", "--flow", "app", "--name", "mailoauth-app", "--tenant", tenantURL,
		"--admin", admin, "--account", "info", "--login", mailbox, "--json"}, servers...)...)
	var res struct {
		ClientID string `json:"client_id"`
		SPID     string `json:"service_principal_id"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.SPID == "" {
		t.Fatalf("register app-only: %v\n%s", err, out)
	}
	h.must(2, "", "check", "info")
	h.control(`{"exchange_script":{"client_id":"` + res.ClientID + `","object_id":"` + res.SPID + `","mailbox":"` + mailbox + `"}}`)
	green(h.must(0, "", "check", "info", "--json"))
	h.leakScan()
}
