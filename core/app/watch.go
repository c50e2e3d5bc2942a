package app

import (
	"context"
	"time"

	"mailoauth/core/results"
	"mailoauth/core/status"
	"mailoauth/core/watch"
)

// Watching and the kept results, as the front ends see them.
type (
	// Watcher is a running schedule: Run(ctx) blocks; Pause, Resume,
	// CheckAllNow, CheckNow(names...), SetEvery, Paused, Running control it
	// from any goroutine.
	Watcher = watch.Watcher
	// Change is an account whose light changed; Notify() says whether it
	// deserves a desktop notification (worse, not muted).
	Change = results.Change
	// LastResult is what is kept of an account's last check: Light(),
	// Protocols, Problem (Problem.Status() renders it), CheckedAt, Since,
	// Before, RedSince, Token.
	LastResult = results.Entry
	// ChangeKind is first, worse or better.
	ChangeKind = results.Kind
)

// The kinds of change.
const (
	ChangeFirst  = results.First
	ChangeWorse  = results.Worse
	ChangeBetter = results.Better
)

// DefaultEvery is the watching interval when nothing else is set.
const DefaultEvery = watch.DefaultEvery

// MinEvery keeps a typo such as --every 15s from turning 300 accounts into
// a stream of sign-ins that Entra throttles.
const MinEvery = time.Minute

// ParseEvery reads --every ("15m", "1h"): at least MinEvery; "" is
// DefaultEvery.
func ParseEvery(v string) (time.Duration, *status.Problem) {
	if v == "" {
		return DefaultEvery, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < MinEvery {
		return 0, status.New(status.Red, "watch.bad_every", "value", v)
	}
	return d, nil
}

// WatchOptions configure Watch.
type WatchOptions struct {
	// Names limits watching to these accounts (none: all, including
	// accounts added while watching).
	Names []string
	// Every is the interval; 0 is watching off (only CheckAllNow/CheckNow).
	Every time.Duration
	// Parallel bounds the accounts checked at once (0: the watcher's default).
	Parallel int
	// Timeout bounds each check (0: the checks' default).
	Timeout time.Duration

	// OnChange gets every changed light, OnResults every finished run,
	// OnSkip an account another process was checking at its turn,
	// OnProblem the watcher's own trouble. They are called from the checks'
	// goroutines (the window hands them to its UI thread).
	OnChange  func(Change)
	OnResults func(name string, rs []status.Result)
	OnSkip    func(name string)
	OnProblem func(*status.Problem)
}

// Watch prepares the schedule over the accounts: a check of all at start,
// then every o.Every, each account at its own moment of the interval, never
// two runs of one account at once (also beside another process), every run
// kept in the results. The caller runs it: go w.Run(ctx). The problem is
// for a name that is no account.
func (s *Service) Watch(o WatchOptions) (*Watcher, *status.Problem) {
	chosen := map[string]bool{}
	for _, n := range o.Names {
		if _, p := s.store.Get(n); p != nil {
			return nil, p
		}
		chosen[n] = true
	}
	onChange := o.OnChange
	return watch.New(watch.Options{
		Every:    o.Every,
		Parallel: o.Parallel,
		Accounts: func() ([]Account, *status.Problem) {
			list, p := s.store.List()
			if len(chosen) == 0 {
				return list, p
			}
			var out []Account
			for _, a := range list {
				if chosen[a.Name] {
					out = append(out, a)
				}
			}
			return out, p
		},
		Check: func(ctx context.Context, a *Account) []status.Result {
			return s.run(ctx, []Account{*a}, nil, CheckOptions{Timeout: o.Timeout}, nil)
		},
		TryLock:   s.store.TryLockRun,
		Results:   s.results,
		OnChange:  func(c Change) { s.changed("watch", c, onChange) },
		OnResults: o.OnResults,
		OnSkip:    o.OnSkip,
		OnProblem: o.OnProblem,
	}), nil
}

// LastResults loads what is kept of every account's last check, for
// showing the lights at once on start. A damaged file comes back empty with
// a yellow problem.
func (s *Service) LastResults() (map[string]LastResult, *status.Problem) { return s.results.Load() }

// WorstLight is the light of the notification-area icon: the worst light
// of the accounts that are not muted.
func WorstLight(last map[string]LastResult, accts []Account) status.Level {
	return results.Worst(last, accts)
}

// SetMuted mutes or unmutes an account: still checked and shown, never
// notifying, not counting for the worst light.
func (s *Service) SetMuted(name string, muted bool) *status.Problem {
	if p := s.store.SetMuted(name, muted); p != nil {
		return p
	}
	s.log.Printf("account %s muted: %v", name, muted)
	return nil
}
