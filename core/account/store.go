package account

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"time"

	"mailoauth/core/status"
)

// SchemaVersion is the version of accounts.json this program writes.
const SchemaVersion = 1

const fileName = "accounts.json"

// storeLockWait bounds a read-modify-write; the lock is only ever held for a
// file read and an atomic replace, so waiting this long means a stuck holder.
const storeLockWait = 30 * time.Second

// renameRetry replaces dst. On Windows a rename fails while another process
// has dst open for reading, which lasts only a moment, so it is retried.
func renameRetry(src, dst string) error {
	err := os.Rename(src, dst)
	for i := 0; err != nil && runtime.GOOS == "windows" && i < 20; i++ {
		time.Sleep(25 * time.Millisecond)
		err = os.Rename(src, dst)
	}
	return err
}

// ConfigDir picks the configuration folder: the flag, then
// $MAILOAUTH_CONFIG_DIR, then the user config dir + "mailoauth".
func ConfigDir(flag string) (string, error) {
	if flag != "" {
		return filepath.Abs(flag)
	}
	if d := os.Getenv("MAILOAUTH_CONFIG_DIR"); d != "" {
		return filepath.Abs(d)
	}
	return DefaultConfigDir()
}

// DefaultConfigDir is the config folder when neither the flag nor
// MAILOAUTH_CONFIG_DIR names one.
func DefaultConfigDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "mailoauth"), nil
}

// Exists says whether the folder holds an account file (written once).
func (s *Store) Exists() bool {
	_, err := os.Stat(s.path())
	return err == nil
}

// Store keeps the accounts in one JSON file. It never holds a secret. Every
// change is a locked read-modify-write with an atomic replace, so two
// processes (the GUI and a scheduled check) cannot lose each other's edits.
type Store struct {
	dir string
}

type fileFormat struct {
	Schema   int       `json:"schema"`
	Accounts []Account `json:"accounts"`
}

// Open returns the store in dir (created on first write).
func Open(dir string) *Store { return &Store{dir: dir} }

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

func (s *Store) path() string { return filepath.Join(s.dir, fileName) }

// read loads the file. A corrupt file is moved aside (never overwritten) and
// reported as a yellow problem with an empty list, so the user keeps working
// and can recover the old file by hand.
//
// Moving aside happens only under the store lock and after a fresh read:
// otherwise a reader could move away the good file another process has just
// written in place of the corrupt one.
func (s *Store) read(locked bool) ([]Account, *status.Problem) {
	data, err := os.ReadFile(s.path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, status.New(status.Red, "account.store.read", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	var f fileFormat
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil || f.Schema < 1 {
		if !locked {
			ctx, cancel := context.WithTimeout(context.Background(), storeLockWait)
			defer cancel()
			release, p := s.lock(ctx, storeLockName)
			if p != nil {
				return nil, p
			}
			defer release()
			return s.read(true)
		}
		aside, rerr := MoveAside(s.path())
		if rerr != nil {
			return nil, status.New(status.Red, "account.store.read", "path", s.path()).WithDetail(rerr.Error()).Wrap(rerr)
		}
		detail := "schema missing"
		if err != nil {
			detail = err.Error()
		}
		return nil, status.New(status.Yellow, "account.store.corrupt", "path", s.path(), "aside", aside).WithDetail(detail)
	}
	if f.Schema > SchemaVersion {
		return nil, status.New(status.Red, "account.store.newer", "path", s.path(), "schema", fmt.Sprint(f.Schema))
	}
	return f.Accounts, nil
}

// write replaces the file atomically: temp file, fsync, rename, fsync dir.
func (s *Store) write(list []Account) *status.Problem {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return status.New(status.Red, "account.store.write", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	if list == nil {
		list = []Account{}
	}
	data, err := json.MarshalIndent(fileFormat{Schema: SchemaVersion, Accounts: list}, "", "  ")
	if err != nil {
		return status.New(status.Red, "account.store.write", "path", s.path()).Wrap(err)
	}
	if err := writeAtomic(s.path(), append(data, '\n')); err != nil {
		return status.New(status.Red, "account.store.write", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := renameRetry(tmp.Name(), path); err != nil {
		return err
	}
	if runtime.GOOS != "windows" {
		// The rename is only durable once the directory entry is on disk.
		if d, err := os.Open(dir); err == nil {
			d.Sync()
			d.Close()
		}
	}
	return nil
}

// update runs fn on the list under the store lock and writes the result.
func (s *Store) update(fn func([]Account) ([]Account, *status.Problem)) *status.Problem {
	ctx, cancel := context.WithTimeout(context.Background(), storeLockWait)
	defer cancel()
	release, p := s.lock(ctx, storeLockName)
	if p != nil {
		return p
	}
	defer release()
	list, p := s.read(true)
	if p != nil && p.Level == status.Red {
		return p
	}
	list, p = fn(list)
	if p != nil {
		return p
	}
	return s.write(list)
}

// List returns every account, sorted by name. A problem may come with a
// usable (possibly empty) list: a corrupt file that was moved aside.
func (s *Store) List() ([]Account, *status.Problem) {
	list, p := s.read(false)
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list, p
}

// Get returns one account.
func (s *Store) Get(name string) (*Account, *status.Problem) {
	list, p := s.read(false)
	if p != nil && p.Level == status.Red {
		return nil, p
	}
	for i := range list {
		if list[i].Name == name {
			return &list[i], nil
		}
	}
	return nil, status.New(status.Red, "account.store.not_found", "name", name)
}

// Add stores a new account; the name must be free.
func (s *Store) Add(a *Account) *status.Problem {
	return s.update(func(list []Account) ([]Account, *status.Problem) {
		for _, x := range list {
			if x.Name == a.Name {
				return nil, status.New(status.Red, "account.store.exists", "name", a.Name)
			}
		}
		return append(list, *a), nil
	})
}

// Update replaces an existing account.
func (s *Store) Update(a *Account) *status.Problem {
	return s.update(func(list []Account) ([]Account, *status.Problem) {
		for i := range list {
			if list[i].Name == a.Name {
				list[i] = *a
				return list, nil
			}
		}
		return nil, status.New(status.Red, "account.store.not_found", "name", a.Name)
	})
}

// Remove deletes an account (its secrets are the caller's business).
func (s *Store) Remove(name string) *status.Problem {
	return s.update(func(list []Account) ([]Account, *status.Problem) {
		for i := range list {
			if list[i].Name == name {
				return append(list[:i], list[i+1:]...), nil
			}
		}
		return nil, status.New(status.Red, "account.store.not_found", "name", name)
	})
}

// RemoveAll deletes the named accounts in one write ("remove all data":
// every account the caller listed and whose secrets it removed). An
// account another process added since stays: its secrets are still in the
// keyring, and without it nothing would ever remove them.
func (s *Store) RemoveAll(names []string) *status.Problem {
	gone := map[string]bool{}
	for _, n := range names {
		gone[n] = true
	}
	return s.update(func(list []Account) ([]Account, *status.Problem) {
		kept := []Account{}
		for _, a := range list {
			if !gone[a.Name] {
				kept = append(kept, a)
			}
		}
		return kept, nil
	})
}

// Export writes all accounts, without secrets, to path.
func (s *Store) Export(path string) *status.Problem {
	list, p := s.List()
	if p != nil && p.Level == status.Red {
		return p
	}
	if list == nil {
		list = []Account{}
	}
	data, err := json.MarshalIndent(fileFormat{Schema: SchemaVersion, Accounts: list}, "", "  ")
	if err != nil {
		return status.New(status.Red, "account.export.write", "path", path).Wrap(err)
	}
	if err := writeAtomic(path, append(data, '\n')); err != nil {
		return status.New(status.Red, "account.export.write", "path", path).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

// Import adds the accounts of an export file. It is all or nothing: an
// invalid account or a name already taken stops the import before anything
// is written.
func (s *Store) Import(path string) ([]string, []*status.Problem) {
	data, size, err := readLimited(path, MaxImportSize)
	if err != nil {
		return nil, []*status.Problem{status.New(status.Red, "account.import.read", "path", path).WithDetail(err.Error()).Wrap(err)}
	}
	if size > MaxImportSize {
		return nil, []*status.Problem{status.New(status.Red, "account.import.too_big", "path", path,
			"size", strconv.FormatInt(size, 10), "max", strconv.Itoa(MaxImportSize))}
	}
	var f fileFormat
	if err := json.Unmarshal(data, &f); err != nil || f.Schema < 1 {
		return nil, []*status.Problem{status.New(status.Red, "account.import.format", "path", path)}
	}
	if f.Schema > SchemaVersion {
		return nil, []*status.Problem{status.New(status.Red, "account.store.newer", "path", path, "schema", fmt.Sprint(f.Schema))}
	}
	var probs []*status.Problem
	for i := range f.Accounts {
		// An import file carries no secrets, so it cannot claim one.
		f.Accounts[i].HasClientSecret = false
		f.Accounts[i].ClientSecretExpires = time.Time{}
		probs = append(probs, f.Accounts[i].Validate()...)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	var added []string
	p := s.update(func(list []Account) ([]Account, *status.Problem) {
		taken := map[string]bool{}
		for _, x := range list {
			taken[x.Name] = true
		}
		for _, a := range f.Accounts {
			if taken[a.Name] {
				probs = append(probs, status.New(status.Red, "account.store.exists", "name", a.Name))
			}
			taken[a.Name] = true
		}
		if len(probs) > 0 {
			return nil, probs[0]
		}
		for _, a := range f.Accounts {
			added = append(added, a.Name)
		}
		return append(list, f.Accounts...), nil
	})
	if p != nil {
		if len(probs) == 0 {
			probs = []*status.Problem{p}
		}
		return nil, probs
	}
	return added, nil
}

// MaxImportSize bounds an import file. An export of a hundred accounts is
// about 60 KB; a file far larger is the wrong file (a mailbox export, a
// disk image), and reading it whole first would hold it all in memory.
const MaxImportSize = 1 << 20

// readLimited reads at most max bytes of path. size is the file's size, or
// more than max when it is larger; a device or pipe without a size counts
// by what could be read.
func readLimited(path string, max int64) (data []byte, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > max {
		return nil, fi.Size(), nil
	}
	data, err = io.ReadAll(io.LimitReader(f, max+1))
	return data, int64(len(data)), err
}
