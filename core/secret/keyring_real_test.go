//go:build keyring

// Tests against the real Secret Service; run them through
// scripts/with-keyring.sh (make keyring-e2e).
package secret

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"mailoauth/core/status"
)

func realKeyring(t *testing.T) *Keyring {
	t.Helper()
	if os.Getenv("MAILOAUTH_KEYRING_MODE") == "" {
		t.Fatal("run this test through scripts/with-keyring.sh")
	}
	return NewKeyring()
}

func TestRealKeyring(t *testing.T) {
	k := realKeyring(t)
	if os.Getenv("MAILOAUTH_KEYRING_MODE") == "locked" {
		err := k.Set(context.Background(), "k", "v")
		p, ok := status.AsProblem(err)
		if !ok || p.Code != "secret.locked" {
			t.Fatalf("locked keyring: %v", err)
		}
		t.Logf("locked keyring gives %s: %s", p.Code, p.Detail)
		return
	}
	contract(t, k)
	ctx := context.Background()
	for _, n := range []int{5000, 12000} {
		v := strings.Repeat("r", n-1) + "!"
		if err := k.Set(ctx, "big", v); err != nil {
			t.Fatal(err)
		}
		got, err := k.Get(ctx, "big")
		if err != nil || got != v {
			t.Fatalf("%d bytes: got %d, %v", n, len(got), err)
		}
		// The parts are real, separate keyring entries within the limit.
		parts := (n + WindowsLimit - 1) / WindowsLimit
		for i := 1; i <= parts; i++ {
			p, err := keyring.Get(Service, partKey("big", i))
			if err != nil || len(p) > WindowsLimit {
				t.Fatalf("part %d: %d bytes, %v", i, len(p), err)
			}
		}
		if _, err := keyring.Get(Service, partKey("big", parts+1)); err == nil {
			t.Fatalf("stale part %d present", parts+1)
		}
	}
	k.Set(ctx, "big", "short now")
	if _, err := keyring.Get(Service, partKey("big", 1)); err == nil {
		t.Error("stale parts after a shorter overwrite")
	}
	k.Set(ctx, "big", strings.Repeat("q", 6000))
	keyring.Delete(Service, partKey("big", 2))
	if _, err := k.Get(ctx, "big"); err == nil {
		t.Error("missing part not detected")
	} else if p, _ := status.AsProblem(err); p == nil || p.Code != "secret.corrupt" {
		t.Errorf("missing part: %v", err)
	}
	k.Delete(ctx, "big")
}

// TestRealKeyringLimit shows why the splitting exists: the platform keyring
// itself refuses one value over the limit on Windows (Credential Manager,
// run under Wine by scripts/windows/wine-smoke.sh), while ours stores it.
func TestRealKeyringLimit(t *testing.T) {
	k := realKeyring(t)
	if runtime.GOOS != "windows" {
		t.Skip("the 2560-byte limit is Windows Credential Manager's")
	}
	v := strings.Repeat("x", WindowsLimit+1)
	if err := keyring.Set(Service, "raw-big", v); err == nil {
		keyring.Delete(Service, "raw-big")
		t.Fatal("Credential Manager took a value over the limit; the splitting would be needless")
	}
	ctx := context.Background()
	if err := k.Set(ctx, "split-big", v); err != nil {
		t.Fatal(err)
	}
	defer k.Delete(ctx, "split-big")
	if got, err := k.Get(ctx, "split-big"); err != nil || got != v {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
}
