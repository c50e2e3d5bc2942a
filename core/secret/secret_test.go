package secret

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// contract is what every Store must do.
func contract(t *testing.T, s Store) {
	ctx := context.Background()
	if _, err := s.Get(ctx, "k"); !IsNotFound(err) {
		t.Fatalf("missing key: %v", err)
	}
	if err := s.Delete(ctx, "k"); err != nil {
		t.Fatalf("delete missing: %v", err)
	}
	for _, v := range []string{"short", strings.Repeat("ä", 3000), strings.Repeat("x", 12000), "again short"} {
		if err := s.Set(ctx, "k", v); err != nil {
			t.Fatalf("set %d bytes: %v", len(v), err)
		}
		got, err := s.Get(ctx, "k")
		if err != nil || got != v {
			t.Fatalf("get %d bytes: %d bytes, %v", len(v), len(got), err)
		}
	}
	if err := s.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "k"); !IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	s.Set(ctx, RefreshTokenKey("a"), "r")
	s.Set(ctx, ClientSecretKey("a"), "c")
	if err := DeleteAccount(ctx, s, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, ClientSecretKey("a")); !IsNotFound(err) {
		t.Fatal("DeleteAccount left the client secret")
	}
}

func TestMemoryContract(t *testing.T) { contract(t, &Memory{}) }

func TestMemoryWindowsLimitContract(t *testing.T) {
	m := &Memory{MaxValue: WindowsLimit}
	contract(t, m)
	if m.Entries() != 0 {
		t.Errorf("%d entries left after deleting everything", m.Entries())
	}
}

func TestKeyringMockContract(t *testing.T) {
	keyring.MockInit()
	defer keyring.MockInit()
	contract(t, NewKeyring())
}

func TestSplitting(t *testing.T) {
	ctx := context.Background()
	m := &Memory{MaxValue: WindowsLimit}
	big := strings.Repeat("0123456789", 600) // 6000 bytes
	if err := m.Set(ctx, "tok", big); err != nil {
		t.Fatal(err)
	}
	if m.Entries() != 4 { // header + 3 parts of <= 2560
		t.Errorf("entries = %d, want 4", m.Entries())
	}
	for _, v := range m.Values() {
		if len(v) > WindowsLimit {
			t.Errorf("entry of %d bytes", len(v))
		}
	}
	// Overwriting with a shorter value removes the stale parts.
	m.Set(ctx, "tok", strings.Repeat("y", 3000))
	if m.Entries() != 3 {
		t.Errorf("after shorter overwrite: %d entries, want 3", m.Entries())
	}
	m.Set(ctx, "tok", "tiny")
	if m.Entries() != 1 {
		t.Errorf("after tiny overwrite: %d entries, want 1", m.Entries())
	}
	// A lost part is reported, never returned as a wrong value.
	m.Set(ctx, "tok", big)
	m.mem.del(Service, "tok#2")
	_, err := m.Get(ctx, "tok")
	if p, ok := status.AsProblem(err); !ok || p.Code != "secret.corrupt" {
		t.Fatalf("lost part: %v", err)
	}
	m.Set(ctx, "tok", big)
	m.mem.set(Service, "tok#1", strings.Repeat("Z", 2560))
	if _, err := m.Get(ctx, "tok"); err == nil {
		t.Fatal("tampered part accepted")
	}
	// Splitting never cuts a multi-byte character.
	for _, c := range splitUTF8(strings.Repeat("€", 2000), WindowsLimit) {
		if !strings.HasPrefix(c, "€") || len(c)%3 != 0 {
			t.Fatal("rune cut")
		}
	}
}

// TestNoKeyringReachable runs in a child process: go-keyring's mock, used
// by another test, replaces the real provider for the whole process.
func TestNoKeyringReachable(t *testing.T) {
	if os.Getenv("MAILOAUTH_SECRET_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNoKeyringReachable$", "-test.v")
		cmd.Env = append(os.Environ(), "MAILOAUTH_SECRET_CHILD=1", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/mailoauth-test-bus")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "secret.unavailable seen") {
			t.Fatalf("child did not check:\n%s", out)
		}
		return
	}
	err := NewKeyring().Set(context.Background(), "k", "v")
	p, ok := status.AsProblem(err)
	if !ok || p.Code != "secret.unavailable" {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(p.Error(), "\"v\"") {
		t.Error("value in error")
	}
	t.Log("secret.unavailable seen")
}

func TestClassify(t *testing.T) {
	cases := map[string]string{
		`exec: "dbus-launch": executable file not found in $PATH`:                        "secret.unavailable",
		"The name org.freedesktop.secrets was not provided by any .service files":        "secret.unavailable",
		"failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'": "secret.locked",
		"something else entirely": "secret.failed",
	}
	for msg, code := range cases {
		p, ok := status.AsProblem(classify(errors.New(msg)))
		if !ok || p.Code != code {
			t.Errorf("%q → %v", msg, p)
		}
	}
	if p, _ := status.AsProblem(classify(keyring.ErrSetDataTooBig)); p.Code != "secret.too_large" {
		t.Error("too big")
	}
	for _, code := range []string{"secret.unavailable", "secret.locked", "secret.failed", "secret.too_large", "secret.corrupt", "secret.timeout"} {
		for _, l := range i18n.Langs {
			if !i18n.Has(l, code) || !i18n.Has(l, code+".fix") {
				t.Errorf("%s lacks %s text", code, l)
			}
		}
	}
}

type hangBackend struct{ *memBackend }

func (hangBackend) get(string, string) (string, error) { select {} }

func TestHungKeyringTimesOut(t *testing.T) {
	k := &Keyring{sp: splitter{b: hangBackend{&memBackend{m: map[string]string{}}}, service: Service, chunk: WindowsLimit}}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := k.Get(ctx, "k")
	if p, ok := status.AsProblem(err); !ok || p.Code != "secret.timeout" {
		t.Fatalf("got %v", err)
	}
}
