package instance

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMain doubles as the first instance when the test runs itself.
func TestMain(m *testing.M) {
	if dir := os.Getenv("MAILOAUTH_INSTANCE_HELPER"); dir != "" {
		_, first, err := Claim(dir, func() { os.Stdout.WriteString("shown\n") })
		if err != nil || !first {
			os.Stdout.WriteString("not first\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("ready\n")
		// Until the test closes stdin (or kills us).
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSecondStartShowsTheFirst: with two processes, the second start asks
// the first to show its window and is not the instance; once the first
// has ended (killed: the system drops its lock), a start is first again.
func TestSecondStartShowsTheFirst(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MAILOAUTH_INSTANCE_HELPER="+dir)
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	lines := make(chan string, 4)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	expect := func(want string) {
		t.Helper()
		select {
		case l := <-lines:
			if l != want {
				t.Fatalf("first instance said %q, want %q", l, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("first instance did not say %q", want)
		}
	}
	expect("ready")
	release, first, err := Claim(dir, nil)
	if err != nil || first || release != nil {
		t.Fatalf("second start: first %v, err %v", first, err)
	}
	expect("shown")
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	release, first, err = Claim(dir, nil)
	if err != nil || !first {
		t.Fatalf("after the first ended: first %v, err %v", first, err)
	}
	release()
}

// TestWrongTokenShowsNothing: a local program without the token cannot
// raise the window.
func TestWrongTokenShowsNothing(t *testing.T) {
	dir := t.TempDir()
	shown := make(chan bool, 1)
	release, first, err := Claim(dir, func() { shown <- true })
	if err != nil || !first {
		t.Fatal(first, err)
	}
	defer release()
	data, _ := os.ReadFile(dir + "/" + fileName)
	forged := strings.Fields(string(data))[0] + " 0000\n"
	if err := os.WriteFile(dir+"/"+fileName, []byte(forged), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ask(dir); err != ErrUnreachable {
		t.Fatalf("forged token: %v", err)
	}
	select {
	case <-shown:
		t.Fatal("shown for a forged token")
	default:
	}
}
