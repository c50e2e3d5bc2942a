package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/secret"
)

// sandboxCLI runs the CLI in-process against an in-process sandbox with an
// in-memory keyring, for commands that talk to the identity platform and
// the mail servers.
type sandboxCLI struct {
	t   *testing.T
	sb  *sandbox.Sandbox
	dir string
	mem *secret.Memory
	ctx context.Context
}

func newSandboxCLI(t *testing.T) *sandboxCLI {
	t.Helper()
	return newSandboxCLIWith(t, sandbox.Options{})
}

// newSandboxCLIWith starts the sandbox with opts; with AutoConsent a plain
// `authorize` signs in (the "browser" follows the sandbox's redirects).
func newSandboxCLIWith(t *testing.T, opts sandbox.Options) *sandboxCLI {
	t.Helper()
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	t.Setenv("MAILOAUTH_LOG_DIR", t.TempDir())
	return &sandboxCLI{t: t, sb: sb, dir: t.TempDir(), mem: &secret.Memory{}}
}

func (h *sandboxCLI) env(stdin string, out io.Writer, errw io.Writer) Env {
	return Env{Stdin: strings.NewReader(stdin), Stdout: out, Stderr: errw, Secrets: h.mem,
		RootCAs: h.sb.CA.Pool(), Getenv: func(string) string { return "" }, Context: h.ctx, OpenBrowser: h.browse}
}

// browse is the user's browser: it follows the sign-in's redirects back to
// the loopback listener.
func (h *sandboxCLI) browse(u string) error {
	resp, err := h.sb.Identity.HTTPClient().Get(u)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return err
}

func (h *sandboxCLI) run(stdin string, args ...string) (string, string, int) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"--config-dir", h.dir, "--lang", "en"}, args...), h.env(stdin, &out, &errb))
	return out.String(), errb.String(), code
}

func (h *sandboxCLI) tenantURL() string {
	return h.sb.Identity.Authority() + "/" + h.sb.Identity.TenantID() + "/"
}

func (h *sandboxCLI) servers() []string {
	return []string{"--imap", h.sb.Mail.IMAPAddr(), "--pop3", h.sb.Mail.POP3Addr(), "--smtp", h.sb.Mail.SMTPAddr(), "--smtp-security", "starttls"}
}

// addArgs is `account add NAME` for login with the sandbox's public client
// on its tenant and servers; extra flags come last and win.
func (h *sandboxCLI) addArgs(name, login string, extra ...string) []string {
	args := append([]string{"account", "add", name, "--login", login, "--tenant", h.tenantURL(), "--client-id", identity.PublicClientID}, h.servers()...)
	return append(args, extra...)
}

// syncBuffer is an output several goroutines write to (a command running
// beside the test that reads it).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// addAppOnly adds an app-only account for mailbox with the sandbox's
// confidential client, and gives the app full access to the mailbox: no
// browser sign-in needed.
func (h *sandboxCLI) addAppOnly(name, mailbox string) {
	h.t.Helper()
	h.sb.Mail.Grant(identity.ConfidentialClientID, mailbox)
	_, errs, code := h.run(h.sb.Identity.ConfidentialSecret()+"\n",
		h.addArgs(name, mailbox, "--flow", "app", "--client-id", identity.ConfidentialClientID, "--client-secret-stdin")...)
	if code != ExitOK {
		h.t.Fatalf("add %s: %d %s", name, code, errs)
	}
}
