//go:build linux

package cli

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"mailoauth/core/sandbox/identity"
)

// openPTY opens a pseudo-terminal: the master is the user's keyboard and
// screen, the slave the program's stdin.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// A client secret typed at a terminal is asked for and not shown: without
// that the command waits on a silent cursor, and the secret typed stays on
// the screen and in the scrollback.
func TestClientSecretTypedAtATerminalIsAskedForAndNotEchoed(t *testing.T) {
	h := newSandboxCLI(t)
	master, slave := openPTY(t)
	var out, errb syncBuffer
	env := h.env("", &out, &errb)
	env.Stdin = slave
	secret := h.sb.Identity.ConfidentialSecret()
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"--config-dir", h.dir, "--lang", "en", "account", "add", "app", "--flow", "app",
			"--login", "info@contoso.example", "--tenant", h.sb.Identity.Authority() + "/" + h.sb.Identity.TenantID() + "/",
			"--client-id", identity.ConfidentialClientID, "--client-secret-stdin"}, env)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errb.String(), "Client secret") {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt for the secret on a terminal; stderr: %q", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The prompt is written just before echo goes off; give it a moment.
	time.Sleep(200 * time.Millisecond)
	master.WriteString(secret + "\r")
	select {
	case code := <-done:
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("account add did not end after the secret was typed")
	}
	// What the terminal showed: read only what is there (a pty master
	// takes no read deadline).
	var screen []byte
	for {
		fds := []unix.PollFd{{Fd: int32(master.Fd()), Events: unix.POLLIN}}
		if n, _ := unix.Poll(fds, 300); n <= 0 {
			break
		}
		buf := make([]byte, 4096)
		n, err := master.Read(buf)
		screen = append(screen, buf[:n]...)
		if err != nil || n == 0 {
			break
		}
	}
	if strings.Contains(string(screen), secret[:8]) {
		t.Errorf("the secret was echoed on the terminal: %q", screen)
	}
}
