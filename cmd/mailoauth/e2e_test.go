//go:build e2e

// End-to-end tests of the mailoauth command line: the real binary, the real
// OS keyring (run under scripts/with-keyring.sh: a private D-Bus session with
// an unlocked gnome-keyring), the sandbox started headless by `mailoauth
// sandbox` in its own process, and a stand-in xdg-open first in PATH.
package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCLIEndToEnd(t *testing.T) {
	h := newHarness(t)
	login := "anna@" + h.sb.Domain
	tenantURL := h.sb.Authority + "/" + h.sb.TenantID + "/"

	h.must(0, "", "--version")
	// Bad input: a usage error with a message, nothing stored.
	_, errs, code := h.run("", "account", "add", "bad", "--login", login, "--tenant", "https://login/microsoftonline.com/x/", "--client-id", login)
	if code != 3 || !strings.Contains(errs, "What to do") {
		t.Fatalf("bad input: exit %d\n%s", code, errs)
	}
	h.must(0, "", "account", "add", "demo", "--login", login, "--tenant", tenantURL,
		"--client-id", h.sb.PublicClientID, "--imap", h.sb.IMAP, "--pop3", h.sb.POP3, "--smtp", h.sb.SMTP, "--smtp-security", "starttls")
	list := h.must(0, "", "account", "list", "--json")
	if !strings.Contains(list, `"demo"`) {
		t.Fatalf("list: %s", list)
	}

	// Not yet authorized: check is yellow, exit 1.
	h.must(1, "", "check", "demo")

	h.must(0, "", "authorize", "demo")
	claims := h.must(0, "", "token", "demo", "--json")
	var c map[string]any
	if err := json.Unmarshal([]byte(claims), &c); err != nil || c["user"] != login {
		t.Fatalf("claims: %v %s", err, claims)
	}
	tok := strings.TrimSpace(h.must(0, "", "access-token", "demo"))
	if strings.Count(tok, ".") != 2 {
		t.Fatalf("access-token printed %q", tok)
	}

	// Core II: all green, exit 0; the JSON that scripts and monitoring read.
	out := h.must(0, "", "check", "--json")
	var results []map[string]any
	if err := json.Unmarshal([]byte(out), &results); err != nil || len(results) != 3 {
		t.Fatalf("check json: %v\n%s", err, out)
	}
	for _, r := range results {
		for _, k := range []string{"account", "protocol", "status", "problem", "message", "fix", "detail", "duration_ms"} {
			if _, ok := r[k]; !ok {
				t.Errorf("result lacks %q: %v", k, r)
			}
		}
		if r["status"] != "green" {
			t.Errorf("%v not green: %v", r["protocol"], r)
		}
	}
	h.must(0, "", "send-test", "demo")
	// The card names the sent folder the check found (HELIUM 5 asks for it).
	if c := h.must(0, "", "card", "demo"); !strings.Contains(c, tenantURL) || !strings.Contains(c, "http://localhost") || !strings.Contains(c, "Gesendete Elemente") {
		t.Errorf("card:\n%s", c)
	}
	if c := h.must(0, "", "card", "demo", "--product", "helium5"); !strings.Contains(c, "IMAPSERVER_MANDANTEN_URL") ||
		!strings.Contains(c, tenantURL) || !strings.Contains(c, "IMAPSERVER_SENTFOLDER") {
		t.Errorf("HELIUM 5 card:\n%s", c)
	}
	if _, errs, code := h.run("", "card", "demo", "--product", "outlook"); code != 3 || !strings.Contains(errs, "helium5") {
		t.Errorf("unknown product: exit %d\n%s", code, errs)
	}
	// A moved mailbox (new UIDVALIDITY) is reported once, yellow, exit 1.
	h.control(`{"move_mailbox":"` + login + `"}`)
	if out, errs, code := h.run("", "check", "demo"); code != 1 || !strings.Contains(out+errs, "changed its UIDVALIDITY") {
		t.Errorf("moved mailbox: exit %d\n%s%s", code, out, errs)
	}
	h.must(0, "", "check", "demo")
	if d := h.must(0, "", "diagnose", "demo"); !strings.Contains(d, "IMAP green") || !strings.Contains(d, "SMTP green") || !strings.Contains(d, login) {
		t.Errorf("diagnose:\n%s", d)
	}
	resp, err := h.client().Get(h.sb.Control + "/messages?mailbox=" + login)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []struct {
		From    string `json:"from"`
		Subject string `json:"subject"`
		Body    string `json:"body"`
	}
	json.NewDecoder(resp.Body).Decode(&msgs)
	resp.Body.Close()
	if len(msgs) != 1 || msgs[0].From != login || !strings.Contains(msgs[0].Subject, "mailoauth") || !strings.Contains(msgs[0].Body, "OAuth2") {
		t.Fatalf("test mail not delivered as expected: %+v", msgs)
	}

	// Break things: SMTP AUTH disabled -> red, exit 2, with the fix.
	h.control(`{"mail_fault":{"protocol":"smtp","fault":"smtp_auth_disabled_tenant"}}`)
	out, _, code = h.run("", "check", "demo", "--json")
	if code != 2 || !strings.Contains(out, "SmtpClientAuthenticationDisabled") {
		t.Fatalf("smtp disabled: exit %d\n%s", code, out)
	}
	h.control(`{"clear":true}`)

	// Refresh token revoked -> yellow (re-authorize), exit 1.
	h.control(`{"revoke":"` + login + `"}`)
	h.control(`{"expire_access":true}`)
	h.must(1, "", "check", "demo")

	// Export, remove, import: the account comes back, without tokens.
	export := h.dir + "/accounts-export.json"
	h.must(0, "", "export", export)
	h.must(0, "", "account", "remove", "demo")
	h.must(3, "", "account", "show", "demo")
	h.must(0, "", "import", export)
	h.must(1, "", "check", "demo") // imported accounts carry no tokens
	h.must(0, "", "authorize", "demo")

	h.must(0, "", "logout", "demo")
	h.must(1, "", "check", "demo")
	h.must(0, "", "account", "remove", "demo")
	h.leakScan(export)
}
