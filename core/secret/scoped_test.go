package secret

import (
	"context"
	"testing"
)

// TestScopedKeepsFoldersApart: two folders' stores over one keyring hold
// the same key apart; deleting in one leaves the other; CopyUnscoped takes
// over what the unscoped store holds without overwriting the folder's own
// or deleting the original.
func TestScopedKeepsFoldersApart(t *testing.T) {
	ctx := context.Background()
	kr := &Memory{}
	a := Scoped{Store: kr, Prefix: ScopePrefix("/home/x/a")}
	b := Scoped{Store: kr, Prefix: ScopePrefix("/home/x/b")}
	if a.Prefix == b.Prefix {
		t.Fatal("two folders, one prefix")
	}
	if ScopePrefix("/home/x/a/") != a.Prefix {
		t.Error("a trailing separator names another folder")
	}
	k := RefreshTokenKey("demo")
	must(t, a.Set(ctx, k, "rt-a"))
	if _, err := b.Get(ctx, k); !IsNotFound(err) {
		t.Fatalf("folder b sees folder a's entry: %v", err)
	}
	must(t, b.Set(ctx, k, "rt-b"))
	must(t, b.Delete(ctx, k))
	if v, err := a.Get(ctx, k); err != nil || v != "rt-a" {
		t.Fatalf("deleting in b took a's entry: %q %v", v, err)
	}

	// The one-time move of a folder used before scoping.
	must(t, kr.Set(ctx, k, "old-rt"))
	must(t, kr.Set(ctx, ClientSecretKey("demo"), "old-secret"))
	must(t, a.CopyUnscoped(ctx, []string{k, ClientSecretKey("demo"), AccessTokenKey("demo")}))
	if v, _ := a.Get(ctx, k); v != "rt-a" {
		t.Errorf("the folder's own entry was overwritten: %q", v)
	}
	if v, _ := a.Get(ctx, ClientSecretKey("demo")); v != "old-secret" {
		t.Errorf("the unscoped entry was not copied: %q", v)
	}
	if v, _ := kr.Get(ctx, ClientSecretKey("demo")); v != "old-secret" {
		t.Errorf("the unscoped entry is gone: %q (another folder may use it)", v)
	}
	if _, err := a.Get(ctx, AccessTokenKey("demo")); !IsNotFound(err) {
		t.Errorf("a key nobody held appeared: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
