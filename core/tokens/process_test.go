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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, p := m.AccessToken(ctx, &a); p != nil {
		fmt.Printf("RESULT %s %s\n", p.Code, p.Detail)
		return
	}
	fmt.Println("RESULT ok")
}

// TestSeparateProcessesShareTheRotation: real processes (the GUI, a
// scheduled check, a mutt helper) refresh the same account at once through
// one keyring and the account lock. Each holds its access token only in
// memory, so each refreshes once — and every one of them must get a token:
// none may redeem a refresh token another has already spent.
func TestSeparateProcessesShareTheRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	e := setup(t, 0)
	dir := t.TempDir()
	keyring := fileStore{filepath.Join(dir, "keyring.json")}
	store := account.Open(filepath.Join(dir, "config"))
	m := &Manager{Secrets: keyring, Locker: store, HTTPClient: e.id.HTTPClient()}
	e.authorize(t, m)
	b, _ := json.Marshal(e.acct)
	os.WriteFile(filepath.Join(dir, "account.json"), b, 0o600)
	os.WriteFile(filepath.Join(dir, "ca.pem"), e.id.CAPEM(), 0o600)

	const children = 3
	var wg sync.WaitGroup
	outs := make([]string, children)
	for i := range children {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperRefreshProcess$", "-test.v")
			cmd.Env = append(os.Environ(), "MAILOAUTH_TOKENS_CHILD="+dir)
			out, err := cmd.CombinedOutput()
			outs[i] = string(out)
			if err != nil {
				outs[i] += "\nexit: " + err.Error()
			}
		}()
	}
	// This process joins in too.
	here := &Manager{Secrets: keyring, Locker: store, HTTPClient: e.id.HTTPClient(), Now: later}
	if _, p := here.AccessToken(context.Background(), e.acct); p != nil {
		t.Errorf("parent: %v", p)
	}
	wg.Wait()
	for i, out := range outs {
		if !strings.Contains(out, "RESULT ok") {
			t.Errorf("child %d:\n%s", i, out)
		}
	}
	if n := e.id.RefreshCount("anna@contoso.example"); n != children+1 {
		t.Errorf("%d refreshes, want %d (one per process)", n, children+1)
	}
}
