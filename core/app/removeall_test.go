package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"mailoauth/core/secret"
)

// refusingKeyring is a keyring that refuses to delete while refuse says
// so for the key (a locked keyring, a policy).
type refusingKeyring struct {
	secret.Memory
	refuse atomic.Pointer[func(key string) bool]
}

func (k *refusingKeyring) Delete(ctx context.Context, key string) error {
	if f := k.refuse.Load(); f != nil && (*f)(key) {
		return errors.New("the keyring is locked")
	}
	return k.Memory.Delete(ctx, key)
}

// TestRemoveAllWhenTheKeyringRefuses: "remove all data" removes the
// accounts whose keyring entries went and stops at the first the keyring
// keeps; the others stay whole — still signed in through the sign-in they
// share, their results, the settings and the logs kept — and a second try
// removes the rest and leaves the keyring empty.
func TestRemoveAllWhenTheKeyringRefuses(t *testing.T) {
	kr := &refusingKeyring{}
	sb, s, logDir := sandboxService(t, kr)
	ctx := context.Background()
	for _, n := range []string{"a", "b", "c"} {
		if _, probs := s.Add(ctx, input(sb, n, "fritz@contoso.example"), ""); len(probs) > 0 {
			t.Fatal(probs)
		}
	}
	// One sign-in for the three: authorizing one authorizes all.
	if _, p := s.Authorize(ctx, "a", AuthorizeOptions{}); p != nil {
		t.Fatal(p)
	}
	s.Check(ctx, nil, CheckOptions{}, nil)
	if p := s.UpdateSettings(func(x *Settings) { x.Language = "en" }); p != nil {
		t.Fatal(p)
	}
	refuseB := func(key string) bool { return key == secret.ClientSecretKey("b") }
	kr.refuse.Store(&refuseB)
	p := s.RemoveAll(ctx)
	if p == nil {
		t.Fatal("remove all succeeded with a keyring that refuses")
	}
	var names []string
	list, _ := s.Accounts()
	for _, a := range list {
		names = append(names, a.Name)
	}
	if strings.Join(names, ",") != "b,c" {
		t.Fatalf("accounts after the refusal: %v (problem %v)", names, p)
	}
	for _, n := range names {
		if ok, p := s.IsAuthorized(ctx, n); !ok || p != nil {
			t.Errorf("%s lost its sign-in: %v %v", n, ok, p)
		}
	}
	last, _ := s.LastResults()
	var kept []string
	for n := range last {
		kept = append(kept, n)
	}
	sort.Strings(kept)
	if strings.Join(kept, ",") != "b,c" {
		t.Errorf("results after the refusal: %v", kept)
	}
	for _, f := range []string{filepath.Join(s.ConfigDir(), "settings.json"), filepath.Join(logDir, "mailoauth.log")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s after the refusal: %v", f, err)
		}
	}

	kr.refuse.Store(nil)
	if p := s.RemoveAll(ctx); p != nil {
		t.Fatal(p)
	}
	if list, _ := s.Accounts(); len(list) != 0 {
		t.Errorf("accounts left: %v", list)
	}
	if n := kr.Entries(); n != 0 {
		t.Errorf("%d keyring entries left without an account", n)
	}
	for _, f := range []string{filepath.Join(s.ConfigDir(), "settings.json"), filepath.Join(s.ConfigDir(), "results.json")} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s after remove all: %v", f, err)
		}
	}
}
