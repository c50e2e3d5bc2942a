package account

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"mailoauth/core/status"
)

const storeLockName = ".store"

// inProcess serialises lockers of one process: file locks alone do not
// exclude two goroutines of the same process on every system.
var (
	inProcessMu sync.Mutex
	inProcess   = map[string]chan struct{}{}
)

func processSlot(path string) chan struct{} {
	inProcessMu.Lock()
	defer inProcessMu.Unlock()
	ch, ok := inProcess[path]
	if !ok {
		ch = make(chan struct{}, 1)
		inProcess[path] = ch
	}
	return ch
}

// LockAccount takes the per-account lock that spans processes. The token
// layer holds it while it refreshes, so the GUI and a scheduled `check` never
// redeem the same (rotating) refresh token twice. It waits until ctx ends.
func (s *Store) LockAccount(ctx context.Context, name string) (release func(), err error) {
	// A checked name cannot leave the locks folder or collide with the
	// store's own lock (".store"): names never start with a dot.
	if p := checkLockName(name); p != nil {
		return nil, p
	}
	rel, p := s.lock(ctx, name)
	if p != nil {
		return nil, p
	}
	return rel, nil
}

func (s *Store) lock(ctx context.Context, name string) (func(), *status.Problem) {
	return lockFile(ctx, filepath.Join(s.dir, "locks"), name, false)
}

// lockFile takes the lock file dir/name.lock, waiting until ctx ends, or
// with try only if it is free right now (busy: nil release, nil problem).
func lockFile(ctx context.Context, dir, name string, try bool) (func(), *status.Problem) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, status.New(status.Red, "account.lock.failed", "path", dir).WithDetail(err.Error()).Wrap(err)
	}
	path := filepath.Join(dir, name+".lock")
	slot := processSlot(path)
	if try {
		select {
		case slot <- struct{}{}:
		default:
			return nil, nil
		}
	} else {
		select {
		case slot <- struct{}{}:
		case <-ctx.Done():
			return nil, status.New(status.Yellow, "account.lock.busy", "name", name).Wrap(ctx.Err())
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		<-slot
		return nil, status.New(status.Red, "account.lock.failed", "path", path).WithDetail(err.Error()).Wrap(err)
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			<-slot
			return nil, status.New(status.Red, "account.lock.failed", "path", path).WithDetail(err.Error()).Wrap(err)
		}
		if ok {
			break
		}
		if try {
			f.Close()
			<-slot
			return nil, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			<-slot
			return nil, status.New(status.Yellow, "account.lock.busy", "name", name).Wrap(ctx.Err())
		case <-tick.C:
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			unlock(f)
			f.Close()
			<-slot
		})
	}, nil
}
