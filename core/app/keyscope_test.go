package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"mailoauth/core/account"
	"mailoauth/core/secret"
)

// TestKeyringScopedByFolder: the default config folder keeps its keys as
// they always were; another folder that was used before scoping has its
// accounts' entries copied under its own prefix once (later changes of the
// unscoped entries are not taken again); a new folder takes nothing of
// another folder's entries of the same names.
func TestKeyringScopedByFolder(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("HOME", home)
	t.Setenv("AppData", home)
	def, err := account.DefaultConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	kr := &secret.Memory{}
	key := secret.ClientSecretKey("demo")
	if err := kr.Set(ctx, key, "default-folder-secret"); err != nil {
		t.Fatal(err)
	}
	if s := scopeKeyring(kr, def, account.Open(def)); s != secret.Store(kr) {
		t.Fatalf("the default folder got %T, want the keyring itself", s)
	}

	// A folder used before scoping, with an account named like the default
	// folder's: its entry moves under the folder's prefix, once.
	old := filepath.Join(home, "script")
	addAccount(t, old, "demo")
	s := scopeKeyring(kr, old, account.Open(old))
	if v, err := s.Get(ctx, key); err != nil || v != "default-folder-secret" {
		t.Fatalf("the old folder lost its entry: %q %v", v, err)
	}
	if _, err := os.Stat(filepath.Join(old, scopeMarker)); err != nil {
		t.Fatalf("not marked after the move: %v", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if v, _ := kr.Get(ctx, key); v != "default-folder-secret" {
		t.Fatalf("deleting in the script's folder took the default folder's entry: %q", v)
	}
	s = scopeKeyring(kr, old, account.Open(old))
	if _, err := s.Get(ctx, key); !secret.IsNotFound(err) {
		t.Fatalf("the move ran again and brought a deleted entry back: %v", err)
	}

	// A new folder: its first secret marks it, so a later start does not
	// take the default folder's entries for its own.
	fresh := filepath.Join(home, "fresh")
	s = scopeKeyring(kr, fresh, account.Open(fresh))
	addAccount(t, fresh, "demo")
	if err := s.Set(ctx, secret.RefreshTokenKey("other"), "x"); err != nil {
		t.Fatal(err)
	}
	s = scopeKeyring(kr, fresh, account.Open(fresh))
	if _, err := s.Get(ctx, key); !secret.IsNotFound(err) {
		t.Fatalf("the new folder took the default folder's entry: %v", err)
	}
}

func addAccount(t *testing.T, dir, name string) {
	t.Helper()
	a, probs := account.Input{Name: name, Login: "anna@contoso.example", Tenant: "11111111-2222-3333-4444-555555555555",
		ClientID: "9e5f94bc-e8a4-4e73-b8be-63364c29d753", Flow: "app", Mailbox: "info@contoso.example"}.Build()
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if p := account.Open(dir).Add(a); p != nil {
		t.Fatal(p)
	}
}
