//go:build e2e

package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCLISharedMailboxSMTP: a shared mailbox through the command line, as
// Exchange Online treats it. IMAP/POP3 sign in as the shared mailbox and
// need Full Access; SMTP signs in as the login and sends from the mailbox,
// which needs Send As — red with Add-RecipientPermission until it is
// granted; the test mail then comes from the shared mailbox, and the card
// says the SMTP user is the login.
func TestCLISharedMailboxSMTP(t *testing.T) {
	h := newHarness(t)
	login, shared := "anna@"+h.sb.Domain, "info@"+h.sb.Domain
	h.must(0, "", "account", "add", "shared", "--login", login, "--mailbox", shared, "--tenant", h.sb.Authority+"/"+h.sb.TenantID+"/",
		"--client-id", h.sb.PublicClientID, "--imap", h.sb.IMAP, "--pop3", h.sb.POP3, "--smtp", h.sb.SMTP, "--smtp-security", "starttls")
	h.must(0, "", "authorize", "shared")
	results := func(want int) map[string]map[string]any {
		t.Helper()
		out, errs, code := h.run("", "check", "shared", "--json")
		if code != want {
			t.Fatalf("check: exit %d, want %d\n%s%s", code, want, out, errs)
		}
		var list []map[string]any
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatal(err, out)
		}
		m := map[string]map[string]any{}
		for _, r := range list {
			m[r["protocol"].(string)] = r
		}
		return m
	}
	r := results(2)
	if r["imap"]["problem"] != "mailcheck.imap.not_connected" || r["smtp"]["problem"] != "mailcheck.smtp.send_as" ||
		!strings.Contains(r["smtp"]["fix"].(string), "Add-RecipientPermission -Identity "+shared+" -Trustee "+login+" -AccessRights SendAs") {
		t.Fatalf("no rights: %v", r)
	}
	h.control(`{"grant":{"delegate":"` + login + `","mailbox":"` + shared + `","rights":"full_access"}}`)
	r = results(2)
	if r["imap"]["status"] != "green" || r["pop3"]["status"] != "green" || r["smtp"]["problem"] != "mailcheck.smtp.send_as" {
		t.Fatalf("full access only: %v", r)
	}
	h.control(`{"grant":{"delegate":"` + login + `","mailbox":"` + shared + `","rights":"send_as"}}`)
	results(0)
	h.must(0, "", "send-test", "shared", "--to", login)
	resp, err := h.client().Get(h.sb.Control + "/messages?mailbox=" + login)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []struct {
		From string `json:"from"`
	}
	json.NewDecoder(resp.Body).Decode(&msgs)
	resp.Body.Close()
	if len(msgs) != 1 || msgs[0].From != shared {
		t.Fatalf("test mail: %+v", msgs)
	}
	card := h.must(0, "", "card", "shared")
	for _, want := range []string{"SMTP user name (sign-in):", "SMTP sender (From):"} {
		i := strings.Index(card, want)
		if i < 0 {
			t.Fatalf("card lacks %q:\n%s", want, card)
		}
	}
	if c := h.must(0, "", "card", "shared", "--product", "timesensor"); !strings.Contains(c, "not "+shared) {
		t.Errorf("timeSensor card does not say which user goes into SMTP:\n%s", c)
	}
	h.leakScan()
}

// TestCLITemporaryTrouble: the identity platform's and the mail servers'
// temporary answers are yellow (exit 1 for a check) and say "try again",
// never "check the app registration"; configuration faults stay red.
func TestCLITemporaryTrouble(t *testing.T) {
	h := newHarness(t)
	login := "anna@" + h.sb.Domain
	h.must(0, "", "account", "add", "demo", "--login", login, "--tenant", h.sb.Authority+"/"+h.sb.TenantID+"/",
		"--client-id", h.sb.PublicClientID, "--imap", h.sb.IMAP, "--pop3", h.sb.POP3, "--smtp", h.sb.SMTP, "--smtp-security", "starttls")
	// The code redemption meets a service in trouble twice: no token, and
	// the message says to wait, with Microsoft's answer in the detail.
	h.control(`{"fault":{"endpoint":"token","http_status":503,"aadsts":50000,"times":2}}`)
	_, errs, code := h.run("", "authorize", "demo")
	if code == 0 || !strings.Contains(errs, "having trouble") || !strings.Contains(errs, "AADSTS50000") || strings.Contains(errs, "check the app registration") {
		t.Fatalf("authorize against a failing token endpoint: exit %d\n%s", code, errs)
	}
	// Throttled with Retry-After beyond the bound: the wait is named.
	h.control(`{"clear":true}`)
	h.control(`{"fault":{"endpoint":"token","http_status":429,"retry_after":120,"times":1}}`)
	if _, errs, code := h.run("", "authorize", "demo"); code == 0 || !strings.Contains(errs, "120 s") {
		t.Fatalf("throttled authorize: exit %d\n%s", code, errs)
	}
	// One 503 is healed by the single retry.
	h.control(`{"clear":true}`)
	h.control(`{"fault":{"endpoint":"token","http_status":503,"times":1}}`)
	h.must(0, "", "authorize", "demo")
	h.control(`{"clear":true}`)
	h.must(0, "", "check", "demo")
	for _, c := range []struct{ proto, fault, problem string }{
		{"imap", "unavailable", "mailcheck.temporary"},
		{"pop3", "unavailable", "mailcheck.temporary"},
		{"smtp", "temp_auth_454", "mailcheck.temporary"},
		{"imap", "stall_after_tls", "mailcheck.stalled"},
	} {
		h.control(`{"clear":true}`)
		h.control(`{"mail_fault":{"protocol":"` + c.proto + `","fault":"` + c.fault + `"}}`)
		out, errs, code := h.run("", "check", "demo", "--json", "--timeout", "2s")
		if code != 1 || !strings.Contains(out, `"`+c.problem+`"`) || !strings.Contains(out, `"yellow"`) {
			t.Errorf("%s %s: exit %d\n%s%s", c.proto, c.fault, code, out, errs)
		}
	}
	// Not every 4xx is temporary: 430 4.2.0 STOREDRV and 421 4.7.66 stay red.
	for _, fault := range []string{"storedrv", "old_tls"} {
		h.control(`{"clear":true}`)
		h.control(`{"mail_fault":{"protocol":"smtp","fault":"` + fault + `"}}`)
		if out, errs, code := h.run("", "check", "demo", "--json"); code != 2 {
			t.Errorf("smtp %s: exit %d\n%s%s", fault, code, out, errs)
		}
	}
	h.control(`{"clear":true}`)
	h.leakScan()
}
