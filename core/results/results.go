// Package results keeps the last result of every account in the config
// folder — overall light, a light per protocol, the worst problem as a
// catalogue code with its parameters (so it renders in either language), the
// time of the check and since when the light is what it is — plus what the
// core knows about the account's sign-in (token health). The window,
// `check` and `watch` all write and read this one file, so a fresh start
// shows the last lights at once, and a change is noticed once, by whoever
// records it first. It never holds a secret.
package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// SchemaVersion is the version of results.json this program writes.
const SchemaVersion = 1

const fileName = "results.json"

// lockWait bounds a read-modify-write; the lock is only held for a read and
// an atomic replace.
const lockWait = 30 * time.Second

// Problem is a stored problem: the catalogue code and parameters, not a
// rendered text, so the window shows it in the language of the day.
type Problem struct {
	Level    status.Level      `json:"level"`
	Code     string            `json:"code"`
	Args     map[string]string `json:"args,omitempty"`
	Detail   string            `json:"detail,omitempty"` // raw server text, redacted
	Protocol string            `json:"protocol,omitempty"`
}

// Status turns the stored problem back into a *status.Problem, whose
// Message and Fix render it.
func (p *Problem) Status() *status.Problem {
	if p == nil {
		return nil
	}
	sp := status.New(p.Level, p.Code).WithDetail(p.Detail)
	for k, v := range p.Args {
		if sp.Args == nil {
			sp.Args = map[string]string{}
		}
		sp.Args[k] = v
	}
	return sp
}

func fromStatus(p *status.Problem, protocol string) *Problem {
	if p == nil {
		return nil
	}
	out := &Problem{Level: p.Level, Code: p.Code, Detail: redact.String(p.Detail), Protocol: protocol}
	if len(p.Args) > 0 {
		out.Args = map[string]string{}
		for k, v := range p.Args {
			out.Args[k] = redact.String(v)
		}
	}
	return out
}

// Protocol is the last result of one protocol of an account.
type Protocol struct {
	Level      status.Level `json:"level"`
	Problem    *Problem     `json:"problem,omitempty"`
	DurationMS int64        `json:"duration_ms,omitempty"`
}

// Entry is everything kept about one account.
type Entry struct {
	Account string `json:"account"`
	// Level is the overall light: the worst of the protocols (grey when
	// nothing was checked yet).
	Level     status.Level        `json:"level,omitempty"`
	Protocols map[string]Protocol `json:"protocols,omitempty"`
	// Problem is the worst protocol's problem (the first in display order
	// among equally bad ones); nil when green.
	Problem   *Problem  `json:"problem,omitempty"`
	CheckedAt time.Time `json:"checked_at,omitzero"`
	// Since is when the light became what it is; Before what it was.
	Since  time.Time    `json:"since,omitzero"`
	Before status.Level `json:"before,omitempty"`
	// RedSince is set while the light is red: since when.
	RedSince time.Time `json:"red_since,omitzero"`
	Token    Token     `json:"token,omitzero"`
}

// Light is the overall light; an account never checked is grey.
func (e Entry) Light() status.Level {
	if e.Level == "" {
		return status.Grey
	}
	return e.Level
}

// Kind is how a light changed.
type Kind string

// The kinds of change.
const (
	First  Kind = "first"  // no light was known before
	Worse  Kind = "worse"  // green → yellow/red, yellow → red
	Better Kind = "better" // the other way
)

// Change is an account whose light changed with a run.
type Change struct {
	Account  string
	Old, New status.Level
	Kind     Kind
	Problem  *Problem // the new worst problem; nil when green
	At       time.Time
	// Muted is filled in by Record from the accounts it is given: a muted
	// account never notifies.
	Muted bool
}

// Notify says whether the change deserves a desktop notification: only a
// light getting worse, once per change, never for a muted account.
func (c Change) Notify() bool { return c.Kind == Worse && !c.Muted }

// Store is the results file of one config folder.
type Store struct {
	dir   string
	locks *account.Store
	// Now replaces the clock (tests).
	Now func() time.Time
}

// Open returns the store in the config folder dir.
func Open(dir string) *Store { return &Store{dir: dir, locks: account.Open(dir)} }

func (s *Store) path() string { return filepath.Join(s.dir, fileName) }

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

type fileFormat struct {
	Schema   int              `json:"schema"`
	Accounts map[string]Entry `json:"accounts"`
}

// read loads the file. A corrupt file is moved aside under the lock, after a
// fresh read (a reader without the lock could otherwise move away the good
// file another process has just put in its place), and reported yellow: the
// lights are only a cache of the last checks, the next check refills them.
func (s *Store) read(locked bool) (map[string]Entry, *status.Problem) {
	data, err := os.ReadFile(s.path())
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Entry{}, nil
	}
	if err != nil {
		return map[string]Entry{}, status.New(status.Red, "results.read", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	var f fileFormat
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&f); err != nil || f.Schema < 1 {
		if !locked {
			release, p := s.lock()
			if p != nil {
				return map[string]Entry{}, p
			}
			defer release()
			return s.read(true)
		}
		aside, rerr := account.MoveAside(s.path())
		if rerr != nil {
			return map[string]Entry{}, status.New(status.Red, "results.read", "path", s.path()).WithDetail(rerr.Error()).Wrap(rerr)
		}
		return map[string]Entry{}, status.New(status.Yellow, "results.corrupt", "path", s.path(), "aside", aside)
	}
	if f.Schema > SchemaVersion {
		return map[string]Entry{}, status.New(status.Red, "results.newer", "path", s.path(), "schema", fmt.Sprint(f.Schema))
	}
	if f.Accounts == nil {
		f.Accounts = map[string]Entry{}
	}
	return f.Accounts, nil
}

func (s *Store) lock() (func(), *status.Problem) {
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	return s.locks.LockFile(ctx, "results")
}

// update runs fn on the entries under the lock and writes them back.
func (s *Store) update(fn func(map[string]Entry)) *status.Problem {
	release, p := s.lock()
	if p != nil {
		return p
	}
	defer release()
	m, p := s.read(true)
	if p != nil && p.Level == status.Red {
		return p
	}
	fn(m)
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return status.New(status.Red, "results.write", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	data, err := json.MarshalIndent(fileFormat{Schema: SchemaVersion, Accounts: m}, "", "  ")
	if err != nil {
		return status.New(status.Red, "results.write", "path", s.path()).Wrap(err)
	}
	if err := account.WriteFileAtomic(s.path(), append(data, '\n')); err != nil {
		return status.New(status.Red, "results.write", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

// Load returns every account's entry, for showing the last lights at start.
// A corrupt file comes back as an empty map with a yellow problem.
func (s *Store) Load() (map[string]Entry, *status.Problem) { return s.read(false) }

// Get returns one account's entry (zero Entry, grey, when none is kept).
func (s *Store) Get(name string) (Entry, *status.Problem) {
	m, p := s.read(false)
	e, ok := m[name]
	if !ok {
		e = Entry{Account: name}
	}
	return e, p
}

// notRun: a run cut short by Ctrl+C or a closed window, or one that did
// not start because another process was checking the account, says nothing
// about the mailbox and must not overwrite what the last full check found.
func notRun(p *status.Problem) bool {
	return p != nil && (p.Code == "mailcheck.canceled" || p.Code == "oauth.canceled" || p.Code == "account.lock.busy")
}

// Record keeps the results of a run (any number of accounts, each with its
// protocols' results as mailcheck.Run returns them) and returns the
// accounts whose overall light changed, in the order the results came, with
// Muted taken from accts (the accounts checked). An account whose run was
// cancelled or never started is left as it was. The change is computed under
// the store's lock, so when a manual check and the watcher (or another
// process) record the same new light, only the first one gets the change:
// this is what keeps a notification to once per change.
func (s *Store) Record(rs []status.Result, accts ...account.Account) ([]Change, *status.Problem) {
	muted := map[string]bool{}
	for i := range accts {
		muted[accts[i].Name] = accts[i].Muted
	}
	type acc struct {
		list []status.Result
		skip bool
	}
	var order []string
	by := map[string]*acc{}
	for _, r := range rs {
		a, ok := by[r.Account]
		if !ok {
			a = &acc{}
			by[r.Account] = a
			order = append(order, r.Account)
		}
		a.list = append(a.list, r)
		if notRun(r.Problem) {
			a.skip = true
		}
	}
	now := s.now()
	var changes []Change
	p := s.update(func(m map[string]Entry) {
		for _, name := range order {
			a := by[name]
			if a.skip {
				continue
			}
			old, known := m[name]
			e := old
			e.Account = name
			e.Protocols = map[string]Protocol{}
			e.Problem = nil
			e.CheckedAt = now
			levels := make([]status.Level, 0, len(a.list))
			for _, r := range a.list {
				levels = append(levels, r.Level)
				e.Protocols[r.Protocol] = Protocol{Level: r.Level, Problem: fromStatus(r.Problem, r.Protocol), DurationMS: r.Duration.Milliseconds()}
			}
			e.Level = status.Worst(levels...)
			for _, r := range a.list {
				if r.Level == e.Level && r.Problem != nil {
					e.Problem = fromStatus(r.Problem, r.Protocol)
					break
				}
			}
			oldLight := old.Light()
			if !known || old.Level == "" || oldLight != e.Level {
				e.Since = now
				if known && old.Level != "" {
					e.Before = oldLight
				}
				kind := First
				if known && old.Level != "" && oldLight != status.Grey {
					kind = Better
					if status.Worst(oldLight, e.Level) == e.Level {
						kind = Worse
					}
				}
				changes = append(changes, Change{Account: name, Old: oldLight, New: e.Level, Kind: kind, Problem: e.Problem, At: now, Muted: muted[name]})
			}
			if e.Level == status.Red {
				if e.RedSince.IsZero() {
					e.RedSince = now
				}
			} else {
				e.RedSince = time.Time{}
			}
			m[name] = e
		}
	})
	if p != nil {
		return nil, p
	}
	return changes, nil
}

// Forget drops what is kept about an account (it was removed).
func (s *Store) Forget(names ...string) *status.Problem {
	return s.update(func(m map[string]Entry) {
		for _, n := range names {
			delete(m, n)
		}
	})
}

// RemoveAll deletes the results file ("remove all data").
func (s *Store) RemoveAll() *status.Problem {
	release, p := s.lock()
	if p != nil {
		return p
	}
	defer release()
	if err := os.Remove(s.path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return status.New(status.Red, "results.write", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

// Worst is the light of the notification-area icon: the worst light of the
// accounts that exist and are not muted.
func Worst(entries map[string]Entry, accts []account.Account) status.Level {
	w := status.Grey
	for i := range accts {
		if accts[i].Muted {
			continue
		}
		w = status.Worst(w, entries[accts[i].Name].Light())
	}
	return w
}
