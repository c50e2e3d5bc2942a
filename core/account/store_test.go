package account

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"mailoauth/core/status"
)

func sample(name string) *Account {
	a, probs := Input{Name: name, Login: name + "@contoso.com", Tenant: guid, ClientID: guid}.Build()
	if len(probs) > 0 {
		panic(probs[0].Error())
	}
	return a
}

func TestStoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir)
	if list, p := s.List(); p != nil || len(list) != 0 {
		t.Fatalf("empty store: %v %v", list, p)
	}
	if p := s.Add(sample("b")); p != nil {
		t.Fatal(p)
	}
	if p := s.Add(sample("a")); p != nil {
		t.Fatal(p)
	}
	if p := s.Add(sample("a")); p == nil || p.Code != "account.store.exists" {
		t.Fatalf("duplicate: %v", p)
	}
	a, p := s.Get("a")
	if p != nil || a.Login != "a@contoso.com" {
		t.Fatalf("get: %v %v", a, p)
	}
	a.UIDValidity = 42
	if p := s.Update(a); p != nil {
		t.Fatal(p)
	}
	if a2, _ := s.Get("a"); a2.UIDValidity != 42 {
		t.Error("update lost")
	}
	list, _ := s.List()
	if len(list) != 2 || list[0].Name != "a" {
		t.Errorf("list: %v", list)
	}
	if p := s.Remove("b"); p != nil {
		t.Fatal(p)
	}
	if _, p := s.Get("b"); p == nil || p.Code != "account.store.not_found" {
		t.Errorf("removed account still there: %v", p)
	}
	data, _ := os.ReadFile(filepath.Join(dir, fileName))
	if regexp.MustCompile(`(?i)"[^"]*(token|secret|password)[^"]*"\s*:`).Match(data) {
		t.Errorf("config file has a secret-like field:\n%s", data)
	}
	if !regexp.MustCompile(`"schema": 1`).Match(data) {
		t.Error("no schema version")
	}
	if fi, _ := os.Stat(filepath.Join(dir, fileName)); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) > 0 {
		t.Errorf("temp files left: %v", m)
	}
}

// RemoveAll removes the accounts named, in one write; one another process
// added after the caller listed them (and removed their secrets) stays.
func TestRemoveAllKeepsAnAccountAddedSince(t *testing.T) {
	s := Open(t.TempDir())
	for _, n := range []string{"a", "b", "late"} {
		if p := s.Add(sample(n)); p != nil {
			t.Fatal(p)
		}
	}
	if p := s.RemoveAll([]string{"a", "b"}); p != nil {
		t.Fatal(p)
	}
	if list, p := s.List(); p != nil || len(list) != 1 || list[0].Name != "late" {
		t.Errorf("after remove all of a, b: %v %v", list, p)
	}
}

func TestCorruptFileMovedAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, fileName)
	os.WriteFile(path, []byte(`{"schema":1,"accounts":[{"name":`), 0o600)
	s := Open(dir)
	list, p := s.List()
	if p == nil || p.Code != "account.store.corrupt" || len(list) != 0 {
		t.Fatalf("corrupt: %v %v", list, p)
	}
	aside, _ := filepath.Glob(path + ".corrupt-*")
	if len(aside) != 1 {
		t.Fatalf("not moved aside: %v", aside)
	}
	if b, _ := os.ReadFile(aside[0]); string(b) != `{"schema":1,"accounts":[{"name":` {
		t.Error("corrupt content changed")
	}
	if p := s.Add(sample("x")); p != nil {
		t.Fatal(p)
	}
	if list, p := s.List(); p != nil || len(list) != 1 {
		t.Errorf("after recovery: %v %v", list, p)
	}
}

func TestNewerSchemaLeftAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, fileName)
	content := `{"schema":7,"accounts":[]}`
	os.WriteFile(path, []byte(content), 0o600)
	s := Open(dir)
	if _, p := s.List(); p == nil || p.Code != "account.store.newer" {
		t.Fatalf("newer: %v", p)
	}
	if p := s.Add(sample("x")); p == nil || p.Code != "account.store.newer" {
		t.Fatalf("write over newer file: %v", p)
	}
	if b, _ := os.ReadFile(path); string(b) != content {
		t.Error("newer file overwritten")
	}
}

func TestExportImport(t *testing.T) {
	src := Open(t.TempDir())
	a := sample("a")
	a.HasClientSecret = true
	src.Add(a)
	src.Add(sample("b"))
	file := filepath.Join(t.TempDir(), "export.json")
	if p := src.Export(file); p != nil {
		t.Fatal(p)
	}
	dst := Open(t.TempDir())
	dst.Add(sample("b"))
	if added, probs := dst.Import(file); len(probs) != 1 || probs[0].Code != "account.store.exists" || added != nil {
		t.Fatalf("clash: %v %v", added, probs)
	}
	if list, _ := dst.List(); len(list) != 1 {
		t.Fatal("half an import written")
	}
	dst.Remove("b")
	added, probs := dst.Import(file)
	if len(probs) > 0 || len(added) != 2 {
		t.Fatalf("import: %v %v", added, probs)
	}
	got, _ := dst.Get("a")
	if got.HasClientSecret {
		t.Error("import claims a secret it cannot carry")
	}
	os.WriteFile(file, []byte(`{"schema":1,"accounts":[{"name":"x/y","login":"nope"}]}`), 0o600)
	if _, probs := Open(t.TempDir()).Import(file); len(probs) == 0 {
		t.Error("invalid import accepted")
	}
}

func TestConcurrentAddsLoseNothing(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if p := Open(dir).Add(sample(fmt.Sprintf("acct%02d", i))); p != nil {
				t.Error(p)
			}
		}(i)
	}
	wg.Wait()
	if list, _ := Open(dir).List(); len(list) != 20 {
		t.Errorf("got %d accounts, want 20", len(list))
	}
}

// TestLockAcrossProcesses re-runs the test binary as a second process that
// holds the account lock; this process must wait for it.
func TestLockAcrossProcesses(t *testing.T) {
	if os.Getenv("MAILOAUTH_LOCK_HELPER") != "" {
		s := Open(os.Getenv("MAILOAUTH_LOCK_HELPER"))
		rel, err := s.LockAccount(context.Background(), "shared")
		if err != nil {
			os.Exit(1)
		}
		fmt.Println("locked")
		time.Sleep(700 * time.Millisecond)
		rel()
		os.Exit(0)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=TestLockAcrossProcesses")
	cmd.Env = append(os.Environ(), "MAILOAUTH_LOCK_HELPER="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked" {
		t.Fatalf("helper: %q %v", buf, err)
	}
	s := Open(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err := s.LockAccount(ctx, "shared")
	cancel()
	if err == nil {
		t.Fatal("lock taken while another process holds it")
	}
	if p, ok := err.(interface{ Error() string }); !ok || p == nil {
		t.Fatal("no problem")
	}
	start := time.Now()
	rel, err := s.LockAccount(context.Background(), "shared")
	if err != nil {
		t.Fatal(err)
	}
	rel()
	if time.Since(start) < 100*time.Millisecond {
		t.Error("did not wait for the other process")
	}
	cmd.Wait()
}

func TestLockInProcess(t *testing.T) {
	s := Open(t.TempDir())
	rel, err := s.LockAccount(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel()
	_, err = Open(s.Dir()).LockAccount(ctx, "a")
	p, ok := err.(interface{ Error() string })
	if err == nil || !ok {
		t.Fatal("second goroutine got the lock")
	}
	_ = p
	rel()
	rel() // releasing twice is harmless
	rel2, err := s.LockAccount(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	rel2()
}

// TestLockAccountRefusesPathNames: the account name becomes a lock file
// name, so one that could leave the locks folder or hit the store's own lock
// is refused instead of locking something else.
func TestLockAccountRefusesPathNames(t *testing.T) {
	s := Open(t.TempDir())
	for _, name := range []string{"../x", ".store", "a/b", "", " a"} {
		if rel, err := s.LockAccount(context.Background(), name); err == nil {
			rel()
			t.Errorf("%q: lock taken", name)
		}
	}
}

func TestRememberIMAP(t *testing.T) {
	s := Open(t.TempDir())
	if p := s.Add(sample("a")); p != nil {
		t.Fatal(p)
	}
	imap := func(uv string) status.Result {
		return status.Result{Account: "a", Protocol: "imap", Level: status.Green, Info: map[string]string{"uidvalidity": uv, "sent_folder": "Gesendete Elemente"}}
	}
	r := imap("7")
	if p := s.RememberIMAP(&r); p != nil || r.Level != status.Green {
		t.Fatalf("first check: %v %v", p, r.Level)
	}
	got, _ := s.Get("a")
	if got.UIDValidity != 7 || got.SentFolder != "Gesendete Elemente" {
		t.Fatalf("remembered %d %q", got.UIDValidity, got.SentFolder)
	}
	fi1, _ := os.Stat(s.path())
	time.Sleep(20 * time.Millisecond)
	r = imap("7")
	s.RememberIMAP(&r)
	if fi2, _ := os.Stat(s.path()); r.Level != status.Green || !fi2.ModTime().Equal(fi1.ModTime()) {
		t.Errorf("unchanged facts rewrote the file or changed the light (%v)", r.Level)
	}
	r = imap("9")
	s.RememberIMAP(&r)
	if r.Level != status.Yellow || r.Problem == nil || r.Problem.Code != "account.uidvalidity_changed" || r.Problem.Args["old"] != "7" || r.Problem.Args["new"] != "9" {
		t.Fatalf("moved mailbox: %v %v", r.Level, r.Problem)
	}
	// Red or POP3 results teach nothing.
	for _, x := range []status.Result{{Account: "a", Protocol: "imap", Level: status.Red, Info: map[string]string{"uidvalidity": "1"}},
		{Account: "a", Protocol: "pop3", Level: status.Green, Info: map[string]string{"uidvalidity": "1"}}} {
		s.RememberIMAP(&x)
	}
	if got, _ := s.Get("a"); got.UIDValidity != 9 {
		t.Errorf("uidvalidity %d after red/pop3 results", got.UIDValidity)
	}
}

// TestImportTooBigIsNotParsed: a file over MaxImportSize is refused by its
// size, even when it is a valid export padded out.
func TestImportTooBigIsNotParsed(t *testing.T) {
	src := Open(t.TempDir())
	src.Add(sample("a"))
	file := filepath.Join(t.TempDir(), "export.json")
	if p := src.Export(file); p != nil {
		t.Fatal(p)
	}
	data, _ := os.ReadFile(file)
	padded := append(data, make([]byte, MaxImportSize)...)
	for i := len(data); i < len(padded); i++ {
		padded[i] = ' ' // trailing white space: still valid JSON
	}
	os.WriteFile(file, padded, 0o600)
	dst := Open(t.TempDir())
	added, probs := dst.Import(file)
	if len(probs) != 1 || probs[0].Code != "account.import.too_big" || added != nil {
		t.Fatalf("oversized import: %v %v", added, probs)
	}
	if probs[0].Args["size"] != fmt.Sprint(len(padded)) {
		t.Errorf("size %q, want %d", probs[0].Args["size"], len(padded))
	}
	if list, _ := dst.List(); len(list) != 0 {
		t.Error("an oversized import was written")
	}
	// Exactly at the limit it is read and imported.
	os.WriteFile(file, padded[:MaxImportSize], 0o600)
	if added, probs := dst.Import(file); len(probs) != 0 || len(added) != 1 {
		t.Fatalf("import at the limit: %v %v", added, probs)
	}
}
