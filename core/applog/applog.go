// Package applog writes the program's log: one file in the user cache dir
// (mailoauth/mailoauth.log), rotated at a size limit, every line redacted.
package applog

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"mailoauth/core/redact"
)

// MaxSize is the size at which the log is rotated; Keep older files are kept,
// so the log never takes more than a few MB.
const (
	MaxSize = 1 << 20
	Keep    = 3
)

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
	f       *os.File
	size    int64
	max     int64
	Verbose io.Writer
}

// Open opens (creating) the log in dir.
func Open(dir string) (*Logger, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	l := &Logger{path: filepath.Join(dir, "mailoauth.log"), max: MaxSize}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Logger) open() error {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	l.f, l.size = f, st.Size()
	return nil
}

// Path is the log file's path.
func (l *Logger) Path() string {
	if l == nil {
		return ""
	}
	return l.path
}

func (l *Logger) rotate() {
	l.f.Close()
	for i := Keep - 1; i >= 1; i-- {
		_ = os.Rename(fmt.Sprintf("%s.%d", l.path, i), fmt.Sprintf("%s.%d", l.path, i+1))
	}
	_ = os.Rename(l.path, l.path+".1")
	if err := l.open(); err != nil {
		l.f = nil
	}
}

// Printf logs one line. A nil Logger discards, so callers need no checks.
func (l *Logger) Printf(format string, args ...any) {
	if l == nil {
		return
	}
	line := redact.String(fmt.Sprintf(format, args...))
	stamped := time.Now().UTC().Format(time.RFC3339) + " " + line + "\n"
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Verbose != nil {
		io.WriteString(l.Verbose, line+"\n")
	}
	if l.f == nil {
		return
	}
	if l.size+int64(len(stamped)) > l.max {
		l.rotate()
		if l.f == nil {
			return
		}
	}
	n, _ := l.f.WriteString(stamped)
	l.size += int64(n)
}

// Transcript returns a writer for protocol transcripts: redacted, into the
// log only when verbose (transcripts are large), and to Verbose.
func (l *Logger) Transcript() io.Writer {
	if l == nil || l.Verbose == nil {
		return nil
	}
	return redact.Writer{W: writerFunc(func(p []byte) (int, error) {
		l.Printf("%s", string(trimNL(p)))
		return len(p), nil
	})}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func trimNL(p []byte) []byte {
	for len(p) > 0 && (p[len(p)-1] == '\n' || p[len(p)-1] == '\r') {
		p = p[:len(p)-1]
	}
	return p
}

// Close closes the file.
func (l *Logger) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}
