// Package watch checks accounts on a schedule: all of them at start, then
// every N minutes, each account at its own moment within the interval so
// that 300 accounts do not hit Entra and Exchange in the same second, and
// never two runs of one account at once — not in this process, and not
// beside another process (a scheduled `check`, a second window), through
// the account's run lock. Every finished run is kept in the results store;
// a changed light becomes an event for notifications. The window and
// `mailoauth watch` both run this one scheduler.
package watch

import (
	"context"
	"sort"
	"sync"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/results"
	"mailoauth/core/status"
)

// DefaultEvery is the interval when the settings say nothing.
const DefaultEvery = 15 * time.Minute

// DefaultParallel bounds the accounts checked at once in a "check all
// now" round; each account opens up to three connections.
const DefaultParallel = 16

// Clock is the time source; tests pass a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Options configure a Watcher. Accounts, Check and Results are required.
type Options struct {
	// Every is the interval; 0 means no automatic checks at all (watching
	// off): only CheckAllNow and CheckNow run.
	Every time.Duration
	// Parallel bounds the accounts checked at once (DefaultParallel).
	Parallel int
	Clock    Clock
	// Accounts lists the accounts to watch; it is read again at every
	// round, so added and removed accounts follow without a restart.
	Accounts func() ([]account.Account, *status.Problem)
	// Check runs every enabled protocol of one account.
	Check func(ctx context.Context, a *account.Account) []status.Result
	// TryLock takes the account's run lock across processes without
	// waiting (account.Store.TryLockRun); nil: only this process counts.
	TryLock func(name string) (release func(), ok bool, p *status.Problem)
	// Results keeps every finished run and says which lights changed
	// (nil: nothing kept, no change events).
	Results *results.Store

	// OnChange gets each changed light (with Muted filled in); called from
	// the check's goroutine.
	OnChange func(results.Change)
	// OnResults gets every finished run, changed or not (the window
	// updates the account's row).
	OnResults func(name string, rs []status.Result)
	// OnSkip is told when an account's turn came while another process
	// was checking it; its light stays as that run leaves it.
	OnSkip func(name string)
	// OnProblem gets trouble of the watcher itself (the accounts or the
	// results file cannot be read or written).
	OnProblem func(*status.Problem)
}

type ctlKind int

const (
	ctlPause ctlKind = iota
	ctlResume
	ctlAllNow
	ctlNow
	ctlEvery
)

type ctl struct {
	kind  ctlKind
	names []string
	every time.Duration
}

type slot struct {
	name string
	due  time.Time
}

// Watcher is one running schedule. Its methods may be called from any
// goroutine.
type Watcher struct {
	opt Options
	ctl chan ctl
	sem chan struct{}

	mu      sync.Mutex
	running map[string]bool
	paused  bool
	wg      sync.WaitGroup

	done chan struct{} // closed when Run returns: later controls are dropped

	// Test hooks, called in the scheduling goroutine: a run is started;
	// the loop waits for its next wake-up (zero: none, only controls).
	dispatched func(name string, at time.Time)
	ended      func(name string)
	idle       func(next time.Time)
}

// New prepares a watcher; Run starts it.
func New(opt Options) *Watcher {
	if opt.Clock == nil {
		opt.Clock = realClock{}
	}
	if opt.Parallel <= 0 {
		opt.Parallel = DefaultParallel
	}
	return &Watcher{opt: opt, ctl: make(chan ctl, 16), sem: make(chan struct{}, opt.Parallel), running: map[string]bool{}, done: make(chan struct{})}
}

// Pause stops starting runs (those under way finish) until Resume.
func (w *Watcher) Pause() { w.send(ctl{kind: ctlPause}) }

// Resume starts watching again with a fresh round spread over the interval.
func (w *Watcher) Resume() { w.send(ctl{kind: ctlResume}) }

// CheckAllNow checks every account now (also while paused); the next
// spread round follows one interval later.
func (w *Watcher) CheckAllNow() { w.send(ctl{kind: ctlAllNow}) }

// CheckNow checks the named accounts now, unless one is already running.
func (w *Watcher) CheckNow(names ...string) { w.send(ctl{kind: ctlNow, names: names}) }

// SetEvery changes the interval (0: watching off) and starts a fresh
// round spread over the new interval.
func (w *Watcher) SetEvery(d time.Duration) { w.send(ctl{kind: ctlEvery, every: d}) }

// Paused reports whether watching is paused.
func (w *Watcher) Paused() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.paused
}

// Running lists the accounts being checked right now, sorted.
func (w *Watcher) Running() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for n := range w.running {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (w *Watcher) send(c ctl) {
	select {
	case w.ctl <- c:
	case <-w.done:
	}
}

// Run schedules until ctx ends, then cancels the runs under way and waits
// for them (a cancelled run is not recorded: it says nothing).
func (w *Watcher) Run(ctx context.Context) {
	defer close(w.done)
	defer w.wg.Wait()
	every := w.opt.Every
	var pending []slot
	var nextRound time.Time
	round := func(immediate bool) {
		now := w.opt.Clock.Now()
		pending = w.plan(now, every, immediate)
		nextRound = time.Time{}
		if every > 0 {
			nextRound = now.Add(every)
		}
	}
	if every > 0 {
		round(true)
	}
	for {
		var wake <-chan time.Time
		var next time.Time
		if !w.Paused() {
			next = nextRound
			if len(pending) > 0 && (next.IsZero() || pending[0].due.Before(next)) {
				next = pending[0].due
			}
			if !next.IsZero() {
				wake = w.opt.Clock.After(next.Sub(w.opt.Clock.Now()))
			}
		}
		if w.idle != nil {
			w.idle(next)
		}
		select {
		case <-ctx.Done():
			return
		case c := <-w.ctl:
			switch c.kind {
			case ctlPause:
				w.setPaused(true)
				pending, nextRound = nil, time.Time{}
			case ctlResume:
				if w.Paused() {
					w.setPaused(false)
					if every > 0 {
						round(false)
					}
				}
			case ctlAllNow:
				round(true)
				w.dispatchDue(ctx, &pending, w.opt.Clock.Now())
				if w.Paused() {
					nextRound = time.Time{}
				}
			case ctlNow:
				accts, _ := w.accounts()
				for _, n := range c.names {
					for i := range accts {
						if accts[i].Name == n {
							w.start(ctx, &accts[i])
						}
					}
				}
			case ctlEvery:
				every = c.every
				pending, nextRound = nil, time.Time{}
				if every > 0 && !w.Paused() {
					round(false)
				}
			}
		case <-wake:
			now := w.opt.Clock.Now()
			w.dispatchDue(ctx, &pending, now)
			if !nextRound.IsZero() && !now.Before(nextRound) {
				round(false)
				w.dispatchDue(ctx, &pending, now)
			}
		}
	}
}

func (w *Watcher) setPaused(v bool) {
	w.mu.Lock()
	w.paused = v
	w.mu.Unlock()
}

func (w *Watcher) accounts() ([]account.Account, *status.Problem) {
	accts, p := w.opt.Accounts()
	if p != nil && w.opt.OnProblem != nil {
		w.opt.OnProblem(p)
	}
	return accts, p
}

// plan gives every account its moment of the round: account i of n at
// start + i·every/n, in name order, so the load is even and each account
// is checked once per interval. An immediate round starts them all now
// (Parallel bounds how many run at once).
func (w *Watcher) plan(start time.Time, every time.Duration, immediate bool) []slot {
	accts, _ := w.accounts()
	sort.Slice(accts, func(i, j int) bool { return accts[i].Name < accts[j].Name })
	out := make([]slot, len(accts))
	for i := range accts {
		due := start
		if !immediate && every > 0 {
			due = start.Add(time.Duration(int64(every) / int64(len(accts)) * int64(i)))
		}
		out[i] = slot{name: accts[i].Name, due: due}
	}
	return out
}

// dispatchDue starts every pending slot that is due. The account is read
// again at its moment: it may have changed or gone since the round began.
func (w *Watcher) dispatchDue(ctx context.Context, pending *[]slot, now time.Time) {
	var due []slot
	for len(*pending) > 0 && !(*pending)[0].due.After(now) {
		due = append(due, (*pending)[0])
		*pending = (*pending)[1:]
	}
	if len(due) == 0 {
		return
	}
	accts, _ := w.accounts()
	by := map[string]*account.Account{}
	for i := range accts {
		by[accts[i].Name] = &accts[i]
	}
	for _, s := range due {
		if a, ok := by[s.name]; ok {
			w.start(ctx, a)
		}
	}
}

// start runs one account unless it is running already in this process
// (that run's result is as fresh as this one would be).
func (w *Watcher) start(ctx context.Context, a *account.Account) {
	w.mu.Lock()
	if w.running[a.Name] {
		w.mu.Unlock()
		return
	}
	w.running[a.Name] = true
	w.mu.Unlock()
	if w.dispatched != nil {
		w.dispatched(a.Name, w.opt.Clock.Now())
	}
	acct := *a
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() {
			w.mu.Lock()
			delete(w.running, acct.Name)
			w.mu.Unlock()
			if w.ended != nil {
				w.ended(acct.Name)
			}
		}()
		w.runOne(ctx, &acct)
	}()
}

// exists: an account removed while it was being checked must not come
// back into the results (its light would live on in the tray).
func (w *Watcher) exists(name string) bool {
	accts, p := w.opt.Accounts()
	if p != nil && p.Level == status.Red {
		return true // cannot tell; keeping a result is the lesser harm
	}
	for i := range accts {
		if accts[i].Name == name {
			return true
		}
	}
	return false
}

func (w *Watcher) runOne(ctx context.Context, a *account.Account) {
	// Parallel bounds the checks, not the recording: a run waiting for the
	// results file's lock must not keep the next account from starting.
	// The run lock is taken only once a slot is free, so queued accounts do
	// not hold theirs against a scheduled `check` meanwhile.
	select {
	case w.sem <- struct{}{}:
	case <-ctx.Done():
		return
	}
	slot := true
	freeSlot := func() {
		if slot {
			<-w.sem
			slot = false
		}
	}
	defer freeSlot()
	if w.opt.TryLock != nil {
		release, ok, p := w.opt.TryLock(a.Name)
		if p != nil {
			if w.opt.OnProblem != nil {
				w.opt.OnProblem(p)
			}
			return
		}
		if !ok {
			if w.opt.OnSkip != nil {
				w.opt.OnSkip(a.Name)
			}
			return
		}
		defer release()
	}
	rs := w.opt.Check(ctx, a)
	freeSlot()
	if ctx.Err() != nil || !w.exists(a.Name) {
		return
	}
	var changes []results.Change
	if w.opt.Results != nil {
		var p *status.Problem
		changes, p = w.opt.Results.Record(rs, *a)
		if p != nil && w.opt.OnProblem != nil {
			w.opt.OnProblem(p)
		}
	}
	if w.opt.OnResults != nil {
		w.opt.OnResults(a.Name, rs)
	}
	for _, c := range changes {
		if w.opt.OnChange != nil {
			w.opt.OnChange(c)
		}
	}
}
