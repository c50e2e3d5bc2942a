package account

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestTryLockRun(t *testing.T) {
	s := Open(t.TempDir())
	rel, ok, p := s.TryLockRun("konto-1")
	if p != nil || !ok {
		t.Fatalf("first try: %v %v", ok, p)
	}
	if _, ok, _ := s.TryLockRun("konto-1"); ok {
		t.Fatal("second try in the same process got the lock")
	}
	if _, ok, _ := Open(s.Dir()).TryLockRun("konto-1"); ok {
		t.Fatal("another store on the folder got the lock")
	}
	// The run lock is not the refresh lock: a run refreshes under
	// LockAccount while it holds its run lock.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	relA, err := s.LockAccount(ctx, "konto-1")
	if err != nil {
		t.Fatalf("LockAccount while running: %v", err)
	}
	relA()
	// LockRun waits: here it gives up with the context.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	if _, p := s.LockRun(ctx2, "konto-1"); p == nil || p.Code != "account.lock.busy" {
		t.Fatalf("LockRun on a held lock: %v", p)
	}
	rel()
	rel2, ok, _ := s.TryLockRun("konto-1")
	if !ok {
		t.Fatal("lock not free after release")
	}
	rel2()
	if _, _, p := s.TryLockRun("../x"); p == nil {
		t.Error("a name leaving the locks folder was accepted")
	}
}

// TestTryLockRunAcrossProcesses holds the run lock in a child process (flock
// on Linux) and checks that this process's try fails without waiting.
func TestTryLockRunAcrossProcesses(t *testing.T) {
	if os.Getenv("MAILOAUTH_LOCK_CHILD") != "" {
		rel, ok, p := Open(os.Getenv("MAILOAUTH_LOCK_CHILD")).TryLockRun("konto-1")
		if !ok || p != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		buf := make([]byte, 1)
		os.Stdin.Read(buf)
		rel()
		os.Exit(0)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestTryLockRunAcrossProcesses$")
	cmd.Env = append(os.Environ(), "MAILOAUTH_LOCK_CHILD="+dir)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child: %q %v", buf, err)
	}
	start := time.Now()
	if _, ok, _ := Open(dir).TryLockRun("konto-1"); ok {
		t.Error("got the lock the child holds")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("try waited %s", d)
	}
	stdin.Close()
	cmd.Wait()
	if _, ok, _ := Open(dir).TryLockRun("konto-1"); !ok {
		t.Error("lock not free after the child ended")
	}
	if _, err := os.Stat(filepath.Join(dir, "locks", "run", "konto-1.lock")); err != nil {
		t.Error(err)
	}
}

func TestSetMuted(t *testing.T) {
	s := Open(t.TempDir())
	a := Account{Name: "a", Login: "a@contoso.com"}
	if p := s.Add(&a); p != nil {
		t.Fatal(p)
	}
	if p := s.SetMuted("a", true); p != nil {
		t.Fatal(p)
	}
	got, _ := s.Get("a")
	if !got.Muted {
		t.Error("not muted")
	}
	if p := s.SetMuted("nope", true); p == nil {
		t.Error("muting a missing account worked")
	}
}
