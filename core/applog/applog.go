// Package applog writes the program's log: one file in the user cache dir
// (mailoauth/mailoauth.log), rotated at a size limit, every line redacted.
//
// Several processes write the same log at once: the window, `watch` and a
// scheduled `check`. So no process keeps the file open: each line is
// appended under a cross-process lock (mailoauth.log.lock), and the writer
// that finds the file full rotates it under that lock while the others
// wait, then they go on in the new file. Keeping the file open would break
// rotation twice over: Windows refuses to rename a file another process has
// open, and elsewhere the other process would write on into the renamed
// file, whose lines the next rotation throws away.
package applog

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"mailoauth/core/filelock"
	"mailoauth/core/redact"
)

// MaxSize is the size at which the log is rotated; Keep older files are kept,
// so the log never takes more than a few MB.
const (
	MaxSize = 1 << 20
	Keep    = 3
)

// lockWait bounds the wait for another process's line. A line takes
// microseconds; a holder that takes longer is hung, and a line written
// beside it is better than a line lost or a caller blocked.
const lockWait = 2 * time.Second

// retryRotation is how long a failed rotation waits before the next try,
// so a log that cannot be rotated costs one failed attempt (and one line
// saying so) a minute, not one per line.
const retryRotation = time.Minute

// Dir returns the log directory: $MAILOAUTH_LOG_DIR, else
// os.UserCacheDir()/mailoauth.
func Dir() (string, error) {
	if d := os.Getenv("MAILOAUTH_LOG_DIR"); d != "" {
		return d, nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(c, "mailoauth"), nil
}

// Logger appends redacted lines to the log file and, when Verbose is set,
// to an extra writer (stderr for --verbose).
type Logger struct {
	mu      sync.Mutex
	path    string
	max     int64
	keep    int
	closed  bool
	retryAt time.Time // no rotation before; set by a failed one
	err     error     // the last write or rotation failure
	Verbose io.Writer

	// rename and truncate are os.Rename and os.Truncate; tests replace them
	// to play Windows, which refuses to rename a file that is open.
	rename   func(oldpath, newpath string) error
	truncate func(path string, size int64) error
}

// Open prepares the log in dir: the folder and the file are created, so a
// log that cannot be written is reported now, not lost later.
func Open(dir string) (*Logger, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	l := &Logger{path: filepath.Join(dir, "mailoauth.log"), max: MaxSize, keep: Keep, rename: os.Rename, truncate: os.Truncate}
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	return l, f.Close()
}

// Path is the log file's path.
func (l *Logger) Path() string {
	if l == nil {
		return ""
	}
	return l.path
}

// Err is the last failure to write or rotate the log, nil when all went
// well since; the diagnostics report shows it.
func (l *Logger) Err() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Printf logs one line. A nil Logger discards, so callers need no checks.
func (l *Logger) Printf(format string, args ...any) {
	if l == nil {
		return
	}
	line := redact.String(fmt.Sprintf(format, args...))
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Verbose != nil {
		io.WriteString(l.Verbose, line+"\n")
	}
	if l.closed {
		return
	}
	if err := l.append(stamp(line)); err != nil {
		l.fail(fmt.Errorf("log: writing %s: %w", l.path, err))
	}
}

func stamp(line string) string { return time.Now().UTC().Format(time.RFC3339) + " " + line + "\n" }

// fail records a failure and says so where it can still be seen.
func (l *Logger) fail(err error) {
	l.err = err
	if l.Verbose != nil {
		io.WriteString(l.Verbose, err.Error()+"\n")
	}
}

// append writes s at the end of the log under the cross-process lock,
// rotating first when s would take the file past its limit.
func (l *Logger) append(s string) error {
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	release, lerr := filelock.Lock(ctx, l.path+".lock")
	cancel()
	if lerr == nil {
		defer release()
	}
	// Without the lock (a hung holder, a folder that refuses the lock
	// file) the line is still appended; only rotation needs the lock.
	if st, err := os.Stat(l.path); lerr == nil && err == nil && st.Size()+int64(len(s)) > l.max && !time.Now().Before(l.retryAt) {
		if err := l.rotate(); err != nil {
			l.retryAt = time.Now().Add(retryRotation)
			l.fail(fmt.Errorf("log: rotating %s failed, writing on in it: %w", l.path, err))
			s = stamp(l.err.Error()) + s
		} else {
			l.retryAt = time.Time{}
		}
	}
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// rotate moves mailoauth.log to .1 (and .1 to .2, …), under the lock. When
// the rename is refused — Windows does so while any process has the file
// open: an older mailoauth, a viewer, a virus scanner — the file is copied
// to .1 and emptied in place instead, which Windows allows; no line is lost
// because our writers write only under the lock.
func (l *Logger) rotate() error {
	// Shifting the older files may fail too (one open in a viewer); the
	// next step then overwrites the oldest kept — lost only what rotation
	// would drop a little later anyway.
	for i := l.keep - 1; i >= 1; i-- {
		_ = l.rename(fmt.Sprintf("%s.%d", l.path, i), fmt.Sprintf("%s.%d", l.path, i+1))
	}
	err := l.rename(l.path, l.path+".1")
	if err == nil {
		return nil
	}
	data, rerr := os.ReadFile(l.path)
	if rerr == nil {
		rerr = os.WriteFile(l.path+".1", data, 0o600)
	}
	if rerr == nil {
		if rerr = l.truncate(l.path, 0); rerr != nil {
			os.Remove(l.path + ".1") // the lines stay in the log; not twice
		}
	}
	if rerr != nil {
		return fmt.Errorf("%w; copying instead: %v", err, rerr)
	}
	return nil
}

// Transcript returns a writer for protocol transcripts: redacted, into the
// log only when verbose (transcripts are large), and to Verbose. It
// redacts whole lines (redact.Writer), so a token a protocol library
// writes in two pieces is masked all the same; each line becomes one log
// line. A last line without a newline waits for Flush (*redact.Writer).
func (l *Logger) Transcript() io.Writer {
	if l == nil || l.Verbose == nil {
		return nil
	}
	return redact.NewWriter(writerFunc(func(p []byte) (int, error) {
		for _, line := range strings.Split(strings.TrimRight(string(p), "\r\n"), "\n") {
			l.Printf("%s", strings.TrimRight(line, "\r"))
		}
		return len(p), nil
	}))
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Close ends the logging; later lines go to Verbose only.
func (l *Logger) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	return nil
}
