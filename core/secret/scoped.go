package secret

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"runtime"
	"strings"
)

// Scoped keeps one config folder's secrets apart from another's: the OS
// keyring is one per user, and account names repeat across folders (a
// script's own --config-dir with an import of the window's accounts).
// Unscoped, "Remove all data" or a logout in one folder would delete the
// other folder's sign-ins. The default folder keeps the keys it always had,
// so an installation that never used --config-dir sees no change.
type Scoped struct {
	Store
	Prefix string
}

// ScopePrefix is the key prefix of the config folder dir.
func ScopePrefix(dir string) string {
	d := filepath.Clean(dir)
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		// Their file systems ignore case by default: C:\Users\X\A and
		// c:\users\x\a are one folder.
		d = strings.ToLower(d)
	}
	h := sha256.Sum256([]byte(d))
	return "folder/" + hex.EncodeToString(h[:8]) + "/"
}

func (s Scoped) Get(ctx context.Context, key string) (string, error) {
	return s.Store.Get(ctx, s.Prefix+key)
}

func (s Scoped) Set(ctx context.Context, key, value string) error {
	return s.Store.Set(ctx, s.Prefix+key, value)
}

func (s Scoped) Delete(ctx context.Context, key string) error {
	return s.Store.Delete(ctx, s.Prefix+key)
}

// CopyUnscoped copies each key's value from the unscoped store into the
// scoped one where the scoped one holds nothing yet — the one-time move of
// a folder that was used before secrets were scoped. The unscoped entries
// stay: another folder (the default one) may be using them.
func (s Scoped) CopyUnscoped(ctx context.Context, keys []string) error {
	for _, k := range keys {
		if _, err := s.Get(ctx, k); err == nil {
			continue
		} else if !IsNotFound(err) {
			return err
		}
		v, err := s.Store.Get(ctx, k)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.Set(ctx, k, v); err != nil {
			return err
		}
	}
	return nil
}
