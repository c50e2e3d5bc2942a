// Package filelock takes exclusive locks that span processes: the window,
// `watch` and a scheduled `check` run side by side on one machine and share
// the config folder and the log. A lock is a file locked with flock (Unix)
// or LockFileEx (Windows); the operating system drops it when its process
// dies, so a crash never leaves a stale lock behind.
package filelock

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"
)

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

// Lock takes the lock file at path (creating it and its folder), waiting
// until ctx ends; then the error is ctx's.
func Lock(ctx context.Context, path string) (release func(), err error) {
	return lock(ctx, path, false)
}

// TryLock takes the lock at path only if it is free right now; a nil
// release with a nil error means another holds it.
func TryLock(path string) (release func(), err error) {
	return lock(context.Background(), path, true)
}

func lock(ctx context.Context, path string, try bool) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
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
			return nil, ctx.Err()
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		<-slot
		return nil, err
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			<-slot
			return nil, err
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
			return nil, ctx.Err()
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
