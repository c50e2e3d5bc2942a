package account

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"mailoauth/core/status"
)

// WriteFileAtomic replaces path with data the way the account store does
// (temp file, fsync, rename, fsync of the folder), so the other files of the
// config folder (results, settings) survive a crash mid-write just as well.
func WriteFileAtomic(path string, data []byte) error { return writeAtomic(path, data) }

// MoveAside renames a damaged file of the config folder to
// <path>.corrupt-<UTC time> and returns the new name: never overwritten, so
// the user can recover it by hand. Call it under the file's lock.
func MoveAside(path string) (string, error) {
	aside := fmt.Sprintf("%s.corrupt-%s", path, time.Now().UTC().Format("20060102T150405Z"))
	return aside, renameRetry(path, aside)
}

// LockFile takes the cross-process lock of another file of the config
// folder (e.g. "results"), waiting until ctx ends. Its lock file lives apart
// from the accounts' so that no account name can collide with it.
func (s *Store) LockFile(ctx context.Context, name string) (release func(), p *status.Problem) {
	return lockFile(ctx, filepath.Join(s.dir, "locks", "files"), name, false)
}

// TryLockRun takes the account's run lock if nobody holds it right now: one
// check of one account at a time, across the window, `watch` and a
// scheduled `check`. It is a lock of its own, not LockAccount: a run
// refreshes its token under LockAccount while it holds this one. ok is false
// when another run holds it.
func (s *Store) TryLockRun(name string) (release func(), ok bool, p *status.Problem) {
	if p := checkLockName(name); p != nil {
		return nil, false, p
	}
	rel, p := lockFile(context.Background(), filepath.Join(s.dir, "locks", "run"), name, true)
	if p != nil {
		return nil, false, p
	}
	return rel, rel != nil, nil
}

// LockRun waits for the account's run lock until ctx ends: `check` from a
// script waits for the window's run of the same account instead of
// running beside it.
func (s *Store) LockRun(ctx context.Context, name string) (release func(), p *status.Problem) {
	if p := checkLockName(name); p != nil {
		return nil, p
	}
	return lockFile(ctx, filepath.Join(s.dir, "locks", "run"), name, false)
}

// checkLockName: the name becomes a file name; a checked name cannot leave
// the locks folder.
func checkLockName(name string) *status.Problem {
	if n, p := ParseName(name); p != nil {
		return p
	} else if n != name {
		return bad("name", "invalid", name)
	}
	return nil
}

// SetMuted mutes or unmutes an account: a muted account is still checked
// and shown, but never notifies and does not count for the worst light.
func (s *Store) SetMuted(name string, muted bool) *status.Problem {
	return s.modify(name, func(a *Account) { a.Muted = muted })
}

// modify changes one stored account in place under the store's lock.
func (s *Store) modify(name string, fn func(*Account)) *status.Problem {
	return s.update(func(list []Account) ([]Account, *status.Problem) {
		for i := range list {
			if list[i].Name == name {
				fn(&list[i])
				return list, nil
			}
		}
		return nil, status.New(status.Red, "account.store.not_found", "name", name)
	})
}

// NoteMax bounds a note: it is free text for people, not a document.
const NoteMax = 4000

// SetNote replaces an account's note. Surrounding space goes; a longer note
// than NoteMax characters is refused rather than cut, so no text is lost
// silently.
func (s *Store) SetNote(name, note string) *status.Problem {
	note = strings.TrimSpace(note)
	if n := utf8.RuneCountInString(note); n > NoteMax {
		return status.New(status.Red, "account.note_too_long", "max", strconv.Itoa(NoteMax), "length", strconv.Itoa(n))
	}
	return s.modify(name, func(a *Account) { a.Note = note })
}

// LockRuns takes the run locks of several accounts for one `check`,
// waiting for each until ctx ends, always in name order so that two such
// checks cannot deadlock. Accounts whose lock stayed busy are returned with
// the problem to report for them instead of a check.
func (s *Store) LockRuns(ctx context.Context, names []string) (release func(), busy map[string]*status.Problem) {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	var rels []func()
	busy = map[string]*status.Problem{}
	for _, n := range sorted {
		rel, p := s.LockRun(ctx, n)
		if p != nil {
			busy[n] = p
			continue
		}
		rels = append(rels, rel)
	}
	return func() {
		for _, r := range rels {
			r()
		}
	}, busy
}

// SetClientSecretExpires records when the account's client secret ends
// (zero: not known).
func (s *Store) SetClientSecretExpires(name string, t time.Time) *status.Problem {
	return s.update(func(list []Account) ([]Account, *status.Problem) {
		for i := range list {
			if list[i].Name == name {
				list[i].ClientSecretExpires = t.UTC()
				return list, nil
			}
		}
		return nil, status.New(status.Red, "account.store.not_found", "name", name)
	})
}
