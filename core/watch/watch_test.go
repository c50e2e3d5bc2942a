package watch

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/results"
	"mailoauth/core/status"
)

// fakeClock only moves when the test sets it; After fires when the time
// reaches its deadline.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{c.now.Add(d), ch})
	return ch
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	keep := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(t) {
			w.ch <- t
		} else {
			keep = append(keep, w)
		}
	}
	c.waiters = keep
}

var t0 = time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)

// rig is a watcher on a fake clock whose loop the test steps: every
// loop iteration reports the time it wants to wake up next.
type rig struct {
	t      *testing.T
	clock  *fakeClock
	w      *Watcher
	idle   chan time.Time
	peek   *time.Time // an idle report read ahead by until
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	accts    []account.Account
	starts   map[string][]time.Time // dispatch times per account
	finished int
	ended    int
	changes  []results.Change
	skips    []string
	level    map[string]status.Level
	block    map[string]chan struct{} // a check of this account waits on it
	inFlight map[string]int
	maxIn    map[string]int
}

func newRig(t *testing.T, n int, every time.Duration, tryLock func(string) (func(), bool, *status.Problem), keep bool, before ...func(*rig)) *rig {
	r := &rig{t: t, clock: &fakeClock{now: t0}, idle: make(chan time.Time, 1), done: make(chan struct{}),
		starts: map[string][]time.Time{}, level: map[string]status.Level{}, block: map[string]chan struct{}{},
		inFlight: map[string]int{}, maxIn: map[string]int{}}
	for i := 0; i < n; i++ {
		r.accts = append(r.accts, account.Account{Name: fmt.Sprintf("konto-%03d", i)})
	}
	var store *results.Store
	if keep {
		store = results.Open(t.TempDir())
		store.Now = r.clock.Now
	}
	r.w = New(Options{
		Every: every, Clock: r.clock, Results: store, TryLock: tryLock,
		Accounts: func() ([]account.Account, *status.Problem) {
			r.mu.Lock()
			defer r.mu.Unlock()
			return append([]account.Account(nil), r.accts...), nil
		},
		Check: func(ctx context.Context, a *account.Account) []status.Result {
			r.mu.Lock()
			r.inFlight[a.Name]++
			if r.inFlight[a.Name] > r.maxIn[a.Name] {
				r.maxIn[a.Name] = r.inFlight[a.Name]
			}
			lvl, ok := r.level[a.Name]
			if !ok {
				lvl = status.Green
			}
			b := r.block[a.Name]
			r.mu.Unlock()
			if b != nil {
				<-b
			}
			r.mu.Lock()
			r.inFlight[a.Name]--
			r.mu.Unlock()
			return []status.Result{{Account: a.Name, Protocol: "imap", Level: lvl}}
		},
		OnResults: func(string, []status.Result) { r.mu.Lock(); r.finished++; r.mu.Unlock() },
		OnChange:  func(c results.Change) { r.mu.Lock(); r.changes = append(r.changes, c); r.mu.Unlock() },
		OnSkip:    func(n string) { r.mu.Lock(); r.skips = append(r.skips, n); r.mu.Unlock() },
	})
	r.w.dispatched = func(name string, at time.Time) {
		r.mu.Lock()
		r.starts[name] = append(r.starts[name], at)
		r.mu.Unlock()
	}
	r.w.ended = func(string) { r.mu.Lock(); r.ended++; r.mu.Unlock() }
	r.w.idle = func(next time.Time) { r.idle <- next }
	for _, f := range before {
		f(r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.w.Run(ctx); close(r.done) }()
	t.Cleanup(func() {
		r.mu.Lock()
		for _, b := range r.block {
			close(b)
		}
		r.block = map[string]chan struct{}{}
		r.mu.Unlock()
		cancel()
		for {
			select {
			case <-r.idle:
				continue
			case <-r.done:
				return
			}
		}
	})
	return r
}

// next waits for the loop to go idle and returns the wake-up it asks for.
func (r *rig) next() time.Time {
	r.t.Helper()
	if r.peek != nil {
		n := *r.peek
		r.peek = nil
		return n
	}
	select {
	case n := <-r.idle:
		return n
	case <-time.After(10 * time.Second):
		r.t.Fatal("the scheduler did not get idle")
	}
	return time.Time{}
}

// do sends a control: the loop runs once more and reports idle again, so
// a report read ahead is stale.
func (r *rig) do(f func()) {
	r.peek = nil
	f()
}

// settle waits until every run started so far has finished (or is blocked
// on purpose), so the fake time does not outrun the real goroutines.
func (r *rig) settle(blocked int) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		started := 0
		for _, s := range r.starts {
			started += len(s)
		}
		done := r.ended
		r.mu.Unlock()
		if done+blocked >= started {
			return
		}
		time.Sleep(time.Millisecond)
	}
	r.t.Fatal("runs did not finish")
}

// until steps the fake clock from wake-up to wake-up up to end.
func (r *rig) until(end time.Time, blocked int) {
	r.t.Helper()
	for {
		n := r.next()
		r.settle(blocked)
		if n.IsZero() || n.After(end) {
			r.peek = &n // still what the loop waits for
			return
		}
		r.clock.set(n)
	}
}

// 300 accounts: all checked at start, then each once per interval at its
// own moment, 3 s apart, never two in the same second.
func TestSpreadOverTheInterval(t *testing.T) {
	every := 15 * time.Minute
	r := newRig(t, 300, every, nil, false)
	r.until(t0.Add(3*every-time.Second), 0)
	perSecond := map[time.Time]int{}
	for i, a := range r.accts {
		s := r.starts[a.Name]
		if len(s) != 3 {
			t.Fatalf("%s started %d times in two intervals: %v", a.Name, len(s), s)
		}
		if !s[0].Equal(t0) {
			t.Errorf("%s: start check at %s", a.Name, s[0])
		}
		want := t0.Add(every + time.Duration(i)*3*time.Second)
		if !s[1].Equal(want) || !s[2].Equal(want.Add(every)) {
			t.Errorf("%s: at %s and %s, want %s and one interval later", a.Name, s[1], s[2], want)
		}
		perSecond[s[1].Truncate(time.Second)]++
	}
	for sec, n := range perSecond {
		if n > 1 {
			t.Errorf("%d accounts started at %s", n, sec)
		}
	}
}

// A run that takes longer than the interval is not started again beside
// itself: its next turns are skipped until it ends.
func TestNoOverlapInProcess(t *testing.T) {
	every := 10 * time.Minute
	// Blocked before the watcher starts: its start check must not finish.
	r := newRig(t, 3, every, nil, false, func(r *rig) { r.block["konto-001"] = make(chan struct{}) })
	r.until(t0.Add(2*every+time.Minute), 1)
	r.do(func() { r.w.CheckNow("konto-001") })
	r.until(r.clock.Now(), 1)
	r.do(r.w.CheckAllNow)
	r.until(r.clock.Now(), 1)
	r.mu.Lock()
	if n := len(r.starts["konto-001"]); n != 1 {
		t.Errorf("the running account was started %d times", n)
	}
	if n := len(r.starts["konto-000"]); n != 4 {
		t.Errorf("konto-000 started %d times, want 3 rounds + check all now", n)
	}
	running := r.w.Running()
	close(r.block["konto-001"])
	delete(r.block, "konto-001")
	r.mu.Unlock()
	if len(running) != 1 || running[0] != "konto-001" {
		t.Errorf("running: %v", running)
	}
	r.settle(0)
	r.do(func() { r.w.CheckNow("konto-001") })
	r.until(r.clock.Now(), 0)
	r.settle(0)
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.starts["konto-001"]); n != 2 || r.maxIn["konto-001"] != 1 {
		t.Errorf("after it ended: started %d times, at most %d at once", n, r.maxIn["konto-001"])
	}
}

// Another process holding an account's run lock: this watcher skips the
// account instead of waiting or checking beside it.
func TestNoOverlapAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	other := account.Open(dir) // stands for the other process
	rel, ok, _ := other.TryLockRun("konto-001")
	if !ok {
		t.Fatal("lock")
	}
	mine := account.Open(dir)
	r := newRig(t, 3, 15*time.Minute, mine.TryLockRun, false)
	r.until(t0, 0)
	r.mu.Lock()
	if len(r.skips) != 1 || r.skips[0] != "konto-001" || r.finished != 2 {
		t.Errorf("skips %v, finished %d", r.skips, r.finished)
	}
	r.mu.Unlock()
	rel()
	r.do(func() { r.w.CheckNow("konto-001") })
	r.until(r.clock.Now(), 0)
	r.settle(0)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished != 3 {
		t.Errorf("after the other run: finished %d", r.finished)
	}
}

func TestPauseResumeCheckAllNowAndOff(t *testing.T) {
	every := 15 * time.Minute
	r := newRig(t, 3, every, nil, false)
	r.until(t0, 0)
	r.do(r.w.Pause)
	if n := r.next(); !n.IsZero() {
		t.Fatalf("paused, but the scheduler wants to wake at %s", n)
	}
	if !r.w.Paused() {
		t.Error("Paused() false")
	}
	// Time passes while paused: nothing runs.
	r.clock.set(t0.Add(3 * every))
	r.settle(0)
	if len(r.starts["konto-000"]) != 1 {
		t.Fatalf("checked while paused: %v", r.starts["konto-000"])
	}
	// Check all now runs even while paused, and stays paused.
	r.do(r.w.CheckAllNow)
	if n := r.next(); !n.IsZero() {
		t.Errorf("after check all now while paused: wake at %s", n)
	}
	r.settle(0)
	r.mu.Lock()
	if len(r.starts["konto-002"]) != 2 {
		t.Errorf("check all now while paused: %v", r.starts["konto-002"])
	}
	r.mu.Unlock()
	// Resume: a fresh round spread from now.
	resumed := r.clock.Now()
	r.do(r.w.Resume)
	r.until(resumed.Add(every-time.Second), 0)
	r.mu.Lock()
	if s := r.starts["konto-002"]; len(s) != 3 || !s[2].Equal(resumed.Add(2*every/3)) {
		t.Errorf("after resume: %v", s)
	}
	r.mu.Unlock()
	// Off: no more automatic checks.
	r.do(func() { r.w.SetEvery(0) })
	if n := r.next(); !n.IsZero() {
		t.Errorf("watching off, but wake at %s", n)
	}
}

// A light getting worse is an event once; muted accounts say so in the
// event, so notifications leave them out.
func TestChangeEvents(t *testing.T) {
	every := 15 * time.Minute
	r := newRig(t, 2, every, nil, true, func(r *rig) { r.accts[1].Muted = true })
	r.until(t0, 0)
	r.mu.Lock()
	r.changes = nil
	r.level["konto-000"] = status.Red
	r.level["konto-001"] = status.Red
	r.mu.Unlock()
	r.until(t0.Add(3*every), 0)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.changes) != 2 {
		t.Fatalf("changes over three red rounds: %+v", r.changes)
	}
	for _, c := range r.changes {
		want := c.Account == "konto-000"
		if c.Kind != results.Worse || c.Old != status.Green || c.New != status.Red || c.Notify() != want || c.Muted == want {
			t.Errorf("change %+v", c)
		}
	}
}

// Check all now of many accounts runs at most Parallel checks at once; the
// others wait their turn and then run.
func TestParallelBound(t *testing.T) {
	gate := make(chan struct{})
	r := newRig(t, 6, 15*time.Minute, nil, false, func(r *rig) {
		r.w.sem = make(chan struct{}, 2)
		for _, a := range r.accts {
			r.block[a.Name] = gate
		}
	})
	r.until(t0, 6)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		n := 0
		for _, v := range r.inFlight {
			n += v
		}
		r.mu.Unlock()
		if n == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	r.mu.Lock()
	n := 0
	for _, v := range r.inFlight {
		n += v
	}
	r.block = map[string]chan struct{}{}
	r.mu.Unlock()
	if n != 2 {
		t.Errorf("%d checks at once, want 2", n)
	}
	close(gate)
	r.settle(0)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished != 6 {
		t.Errorf("finished %d of 6", r.finished)
	}
}

// An account removed while its check runs leaves no result behind and
// reports no change.
func TestRemovedDuringCheckIsNotRecorded(t *testing.T) {
	gate := make(chan struct{})
	r := newRig(t, 2, 15*time.Minute, nil, true, func(r *rig) { r.block["konto-001"] = gate })
	r.until(t0, 1)
	r.mu.Lock()
	r.accts = r.accts[:1]
	delete(r.block, "konto-001")
	r.mu.Unlock()
	close(gate)
	r.settle(0)
	m, _ := r.w.opt.Results.Load()
	if _, ok := m["konto-001"]; ok || len(m) != 1 {
		t.Errorf("kept: %v", m)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.changes {
		if c.Account == "konto-001" {
			t.Errorf("change of a removed account: %+v", c)
		}
	}
}
