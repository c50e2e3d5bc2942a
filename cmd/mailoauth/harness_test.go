//go:build e2e || integration

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
	Introspection  string `json:"introspection"`
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

func newHarness(t *testing.T, sandboxArgs ...string) *harness {
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
	os.MkdirAll(filepath.Join(dir, "certs"), 0o755)
	sb := exec.Command(bin, append([]string{"sandbox", "--json", "--auto-consent", "--refresh-token-bytes", "3000", "--ca-file", caFile,
		"--server-cert", filepath.Join(dir, "certs")}, sandboxArgs...)...)
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
// or any output other than access-token's stdout (and in extra files, such as
// the logs of real servers).
func (h *harness) leakScan(extra ...string) {
	h.t.Helper()
	secrets := h.issued()
	if len(secrets) < 3 {
		h.t.Fatalf("sandbox reports only %d issued secrets; the scan would prove nothing", len(secrets))
	}
	var hay []struct{ name, text string }
	for _, root := range append([]string{filepath.Join(h.dir, "config"), filepath.Join(h.dir, "logs"), filepath.Join(h.dir, "xdg-open.log")}, extra...) {
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
