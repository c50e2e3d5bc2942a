//go:build e2e

package main

import (
	"bufio"
	"bytes"
	"io"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestCLIDeviceCode: `authorize --device` prints an address and a code, the
// user types the code on the sandbox's devicelogin page in "another
// browser", the CLI's polling then gets the tokens into the real keyring and
// check is green. A declined sign-in ends with its own message.
func TestCLIDeviceCode(t *testing.T) {
	h := newHarness(t)
	login := "bernd@" + h.sb.Domain
	h.must(0, "", "account", "add", "dev", "--login", login, "--tenant", h.sb.Authority+"/"+h.sb.TenantID+"/",
		"--client-id", h.sb.PublicClientID, "--flow", "device", "--imap", h.sb.IMAP, "--pop3", h.sb.POP3, "--smtp", h.sb.SMTP,
		"--smtp-security", "starttls")

	authorize := func(answer string) (string, int) {
		cmd := exec.Command(h.bin, "authorize", "dev")
		cmd.Env = h.env
		var out bytes.Buffer
		cmd.Stdout = &out
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var errText bytes.Buffer
		lines := bufio.NewReader(io.TeeReader(stderr, &errText))
		re := regexp.MustCompile(`open (https://\S+/devicelogin) and enter the code (\S+) there`)
		var m []string
		for m == nil {
			line, err := lines.ReadString('\n')
			if err != nil {
				t.Fatalf("no device code in the output: %v\n%s", err, errText.String())
			}
			m = re.FindStringSubmatch(line)
		}
		// The other device: the sandbox's devicelogin page.
		resp, err := h.client().PostForm(m[1], url.Values{"code": {m[2]}, "user": {login}, "answer": {answer}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		go io.Copy(io.Discard, lines)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("authorize --device did not end after the answer")
		}
		h.outputs.Write(out.Bytes())
		h.outputs.Write(errText.Bytes())
		return out.String() + errText.String(), cmd.ProcessState.ExitCode()
	}

	text, code := authorize("decline")
	if code != 2 || !strings.Contains(text, "AADSTS90120") {
		t.Fatalf("declined: exit %d\n%s", code, text)
	}
	text, code = authorize("accept")
	if code != 0 || !strings.Contains(text, login) {
		t.Fatalf("accepted: exit %d\n%s", code, text)
	}
	h.must(0, "", "check", "dev")
	h.leakScan()
}

// TestCLITenantDiscovery: a domain given as tenant is stored as the tenant's
// GUID; an unknown domain is refused with AADSTS90002's explanation.
func TestCLITenantDiscovery(t *testing.T) {
	h := newHarness(t)
	_, errs, code := h.run("", "account", "add", "dom", "--login", "carl@"+h.sb.Domain, "--tenant", h.sb.Authority+"/"+h.sb.Domain+"/",
		"--client-id", h.sb.PublicClientID)
	if code != 0 || !strings.Contains(errs, h.sb.TenantID) {
		t.Fatalf("add by domain: exit %d\n%s", code, errs)
	}
	if show := h.must(0, "", "account", "show", "dom", "--json"); !strings.Contains(show, `"tenant": "`+h.sb.TenantID+`"`) {
		t.Errorf("stored tenant:\n%s", show)
	}
	_, errs, code = h.run("", "account", "add", "nowhere", "--login", "carl@"+h.sb.Domain, "--tenant", h.sb.Authority+"/nowhere.example/",
		"--client-id", h.sb.PublicClientID)
	if code != 3 || !strings.Contains(errs, "AADSTS90002") {
		t.Errorf("unknown domain: exit %d\n%s", code, errs)
	}
	if _, _, code := h.run("", "account", "show", "nowhere"); code == 0 {
		t.Error("the refused account was stored")
	}
}

// TestCLIAdminConsent: without admin consent authorize fails with
// AADSTS65001 and points to `mailoauth consent`; after it, authorize works.
func TestCLIAdminConsent(t *testing.T) {
	h := newHarness(t)
	login := "dana@" + h.sb.Domain
	h.must(0, "", "account", "add", "c", "--login", login, "--tenant", h.sb.Authority+"/"+h.sb.TenantID+"/",
		"--client-id", h.sb.PublicClientID, "--imap", h.sb.IMAP, "--pop3", "off", "--smtp", "off")
	h.control(`{"require_consent":true}`)
	_, errs, code := h.run("", "authorize", "c")
	if code != 2 || !strings.Contains(errs, "AADSTS65001") || !strings.Contains(errs, "mailoauth consent c") {
		t.Fatalf("without consent: exit %d\n%s", code, errs)
	}
	out := h.must(0, "", "consent", "c")
	if !strings.Contains(out, "mailoauth authorize c") {
		t.Errorf("consent said: %s", out)
	}
	h.must(0, "", "authorize", "c")
	h.must(0, "", "check", "c")
	h.leakScan()
}
