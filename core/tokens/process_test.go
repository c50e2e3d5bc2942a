package tokens

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/secret"
)

// fileStore is a keyring stand-in that two processes can share: one JSON
// file, replaced atomically. (Manager writes it only under the account
// lock, which is what the test is about.)
type fileStore struct{ path string }

func (f fileStore) load() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	return m, json.Unmarshal(b, &m)
}

func (f fileStore) Get(_ context.Context, k string) (string, error) {
	m, err := f.load()
	if err != nil {
		return "", err
	}
	v, ok := m[k]
	if !ok {
		return "", secret.ErrNotFound
	}
	return v, nil
}

func (f fileStore) Set(_ context.Context, k, v string) error {
	m, err := f.load()
	if err != nil {
		return err
	}
	m[k] = v
	b, _ := json.Marshal(m)
	tmp := f.path + fmt.Sprintf(".%d.tmp", os.Getpid())
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, f.path)
}

func (f fileStore) Delete(_ context.Context, k string) error {
	m, err := f.load()
	if err != nil {
		return err
	}
	delete(m, k)
	b, _ := json.Marshal(m)
	return os.WriteFile(f.path, b, 0o600)
}

// TestHelperRefreshProcess is the child process of
// TestSeparateProcessesShareTheRotation; it does nothing when run normally.
func TestHelperRefreshProcess(t *testing.T) {
	dir := os.Getenv("MAILOAUTH_TOKENS_CHILD")
	if dir == "" {
		t.Skip("child process only")
	}
	var a account.Account
	b, _ := os.ReadFile(filepath.Join(dir, "account.json"))
	caPEM, _ := os.ReadFile(filepath.Join(dir, "ca.pem"))
	pool := x509.NewCertPool()
	if err := json.Unmarshal(b, &a); err != nil || !pool.AppendCertsFromPEM(caPEM) {
		t.Fatalf("child setup: %v", err)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	m := &Manager{Secrets: fileStore{filepath.Join(dir, "keyring.json")}, Locker: account.Open(filepath.Join(dir, "config")),
		HTTPClient: hc, Now: later}
	if os.Getenv("MAILOAUTH_TOKENS_CLOCK") == "real" {
		m.Now = nil // tokens are judged by the real clock: a kept one is reused
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, p := m.AccessToken(ctx, &a); p != nil {
		fmt.Printf("RESULT %s %s\n", p.Code, p.Detail)
		return
	}
	fmt.Println("RESULT ok")
}

// processRun is a keyring and an account lock shared by real processes,
// with the account authorized once.
type processRun struct {
	e       *env
	dir     string
	keyring fileStore
	store   *account.Store
}

func newProcessRun(t *testing.T) *processRun {
	t.Helper()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	e := setup(t, 0)
	dir := t.TempDir()
	r := &processRun{e: e, dir: dir, keyring: fileStore{filepath.Join(dir, "keyring.json")}, store: account.Open(filepath.Join(dir, "config"))}
	e.authorize(t, r.manager(nil))
	b, _ := json.Marshal(e.acct)
	os.WriteFile(filepath.Join(dir, "account.json"), b, 0o600)
	os.WriteFile(filepath.Join(dir, "ca.pem"), e.id.CAPEM(), 0o600)
	return r
}

func (r *processRun) manager(now func() time.Time) *Manager {
	return &Manager{Secrets: r.keyring, Locker: r.store, HTTPClient: r.e.id.HTTPClient(), Now: now}
}

// race lets children child processes and this one (with here) fetch the
// account's token at once; every one must get a token.
func (r *processRun) race(t *testing.T, children int, here *Manager, env ...string) {
	t.Helper()
	var wg sync.WaitGroup
	outs := make([]string, children)
	for i := range children {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperRefreshProcess$", "-test.v")
			cmd.Env = append(append(os.Environ(), "MAILOAUTH_TOKENS_CHILD="+r.dir), env...)
			out, err := cmd.CombinedOutput()
			outs[i] = string(out)
			if err != nil {
				outs[i] += "\nexit: " + err.Error()
			}
		}()
	}
	if _, p := here.AccessToken(context.Background(), r.e.acct); p != nil {
		t.Errorf("parent: %v", p)
	}
	wg.Wait()
	for i, out := range outs {
		if !strings.Contains(out, "RESULT ok") {
			t.Errorf("child %d:\n%s", i, out)
		}
	}
}

// TestSeparateProcessesShareTheRotation: real processes (the GUI, a
// scheduled check, a mutt helper) refresh the same account at once through
// one keyring and the account lock. Their clocks say every token has run
// out, so each refreshes once — and every one of them must get a token:
// none may redeem a refresh token another has already spent.
func TestSeparateProcessesShareTheRotation(t *testing.T) {
	r := newProcessRun(t)
	const children = 3
	r.race(t, children, r.manager(later))
	if n := r.e.id.RefreshCount("anna@contoso.example"); n != children+1 {
		t.Errorf("%d refreshes, want %d (one per process)", n, children+1)
	}
}
