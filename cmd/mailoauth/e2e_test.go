//go:build e2e

// End-to-end tests of the mailoauth command line: the real binary, the real
// OS keyring (run under scripts/with-keyring.sh: a private D-Bus session with
// an unlocked gnome-keyring), the sandbox started headless by `mailoauth
// sandbox` in its own process, and a stand-in xdg-open first in PATH.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type sandboxInfo struct {
	Authority      string `json:"authority"`
	TenantID       string `json:"tenant_id"`
	Domain         string `json:"domain"`
	PublicClientID string `json:"public_client_id"`
	IMAP           string `json:"imap"`
	POP3           string `json:"pop3"`
	SMTP           string `json:"smtp"`
	CAFile         string `json:"ca_file"`
	Control        string `json:"control"`
}

type harness struct {
	t        *testing.T
	bin      string
	dir      string
	env      []string
	sb       sandboxInfo
	outputs  bytes.Buffer // everything any command printed, except access-token's stdout
	tokenOut bytes.Buffer // access-token's stdout, the one allowed exit for a token
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("no D-Bus session: run this test through scripts/with-keyring.sh (make keyring-e2e)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "mailoauth")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	binDir := filepath.Join(dir, "bin")
	os.MkdirAll(binDir, 0o755)
	stand, _ := os.ReadFile("testdata/xdg-open")
	os.WriteFile(filepath.Join(binDir, "xdg-open"), stand, 0o755)

	h := &harness{t: t, bin: bin, dir: dir}
	caFile := filepath.Join(dir, "ca.pem")
	sb := exec.Command(bin, "sandbox", "--json", "--auto-consent", "--refresh-token-bytes", "3000", "--ca-file", caFile)
	stdout, _ := sb.StdoutPipe()
	sb.Stderr = os.Stderr
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Process.Signal(os.Interrupt); sb.Wait() })
	dec := json.NewDecoder(bufio.NewReader(stdout))
	done := make(chan error, 1)
	go func() { done <- dec.Decode(&h.sb) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sandbox output: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sandbox did not start")
	}
	go io.Copy(io.Discard, stdout)

	h.env = append(os.Environ(),
		"MAILOAUTH_CONFIG_DIR="+filepath.Join(dir, "config"),
		"MAILOAUTH_LOG_DIR="+filepath.Join(dir, "logs"),
		"SSL_CERT_FILE="+caFile,
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"XDG_OPEN_LOG="+filepath.Join(dir, "xdg-open.log"),
		"LANG=en_US.UTF-8", "LC_ALL=", "LANGUAGE=",
	)
	return h
}

// run runs the CLI and returns stdout, stderr and the exit code.
func (h *harness) run(stdin string, args ...string) (string, string, int) {
	h.t.Helper()
	cmd := exec.Command(h.bin, args...)
	cmd.Env = h.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("%v: %v", args, err)
	}
	if len(args) > 0 && args[0] == "access-token" {
		h.tokenOut.Write(out.Bytes())
	} else {
		h.outputs.Write(out.Bytes())
	}
	h.outputs.Write(errb.Bytes())
	return out.String(), errb.String(), code
}

func (h *harness) must(want int, stdin string, args ...string) string {
	h.t.Helper()
	out, errs, code := h.run(stdin, args...)
	if code != want {
		h.t.Fatalf("mailoauth %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errs)
	}
	return out
}

func (h *harness) control(body string) {
	h.t.Helper()
	req, _ := http.NewRequest("POST", h.sb.Control+"/control", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		h.t.Fatalf("control %s: %s", body, resp.Status)
	}
}

func (h *harness) client() *http.Client {
	return sandboxClient(h.t, h.sb.CAFile)
}

// issued asks the sandbox for every secret it ever handed out.
func (h *harness) issued() []string {
	resp, err := h.client().Get(h.sb.Control + "/issued")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []string
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		h.t.Fatal(err)
	}
	return list
}

// leakScan fails when any issued secret shows up in the config dir, the logs
// or any output other than access-token's stdout.
func (h *harness) leakScan() {
	h.t.Helper()
	secrets := h.issued()
	if len(secrets) < 3 {
		h.t.Fatalf("sandbox reports only %d issued secrets; the scan would prove nothing", len(secrets))
	}
	var hay []struct{ name, text string }
	for _, root := range []string{filepath.Join(h.dir, "config"), filepath.Join(h.dir, "logs"), filepath.Join(h.dir, "xdg-open.log")} {
		filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				b, _ := os.ReadFile(p)
				hay = append(hay, struct{ name, text string }{p, string(b)})
			}
			return nil
		})
	}
	hay = append(hay, struct{ name, text string }{"command output", h.outputs.String()})
	for _, s := range secrets {
		for _, f := range hay {
			if strings.Contains(f.text, s) {
				h.t.Errorf("secret %.6s… found in %s", s, f.name)
			}
		}
	}
}

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

	// Core II: all green, exit 0; the JSON contract of DESIGN.md.
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

	h.must(0, "", "logout", "demo")
	h.must(1, "", "check", "demo")
	h.must(0, "", "account", "remove", "demo")
	h.leakScan()
}
