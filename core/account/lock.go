package account

import (
	"context"
	"path/filepath"

	"mailoauth/core/filelock"
	"mailoauth/core/status"
)

const storeLockName = ".store"

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
	path := filepath.Join(dir, name+".lock")
	var rel func()
	var err error
	if try {
		rel, err = filelock.TryLock(path)
	} else {
		rel, err = filelock.Lock(ctx, path)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, status.New(status.Yellow, "account.lock.busy", "name", name).Wrap(ctx.Err())
	case err != nil:
		return nil, status.New(status.Red, "account.lock.failed", "path", path).WithDetail(err.Error()).Wrap(err)
	}
	return rel, nil
}
