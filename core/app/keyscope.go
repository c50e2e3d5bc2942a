package app

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/secret"
	"mailoauth/core/tokens"
)

// scopeMarker, in a config folder, says its secrets were moved under its
// own keyring prefix (secret.Scoped) — so the move is made once.
const scopeMarker = "keyring-scope"

// scopeKeyring gives a config folder other than the default its own part
// of the user's keyring. A folder used before secrets were scoped gets its
// accounts' entries copied over once; until that succeeds (a locked
// keyring), nothing is marked and the copy is tried at the next start.
func scopeKeyring(kr secret.Store, dir string, store *account.Store) secret.Store {
	if def, err := account.DefaultConfigDir(); err == nil && samePath(def, dir) {
		return kr
	}
	sc := secret.Scoped{Store: kr, Prefix: secret.ScopePrefix(dir)}
	marker := filepath.Join(dir, scopeMarker)
	if _, err := os.Stat(marker); err == nil {
		return sc
	}
	if !store.Exists() {
		// No account was ever kept here, so nothing to move; mark the
		// folder with its first secret, so that the next start does not
		// take another folder's entries of the same names for its own.
		return &markOnSet{Scoped: sc, marker: marker}
	}
	accts, p := store.List()
	if p != nil {
		return sc
	}
	var keys []string
	for i := range accts {
		keys = append(keys, tokens.Keys(&accts[i])...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := sc.CopyUnscoped(ctx, keys); err == nil {
		_ = os.WriteFile(marker, []byte("1\n"), 0o600)
	}
	return sc
}

// markOnSet marks a new folder as scoped when its first secret is stored.
type markOnSet struct {
	secret.Scoped
	marker string
	once   sync.Once
}

func (m *markOnSet) Set(ctx context.Context, key, value string) error {
	if err := m.Scoped.Set(ctx, key, value); err != nil {
		return err
	}
	m.once.Do(func() { _ = os.WriteFile(m.marker, []byte("1\n"), 0o600) })
	return nil
}
