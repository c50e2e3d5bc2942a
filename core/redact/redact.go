// Package redact keeps secrets out of logs, transcripts and error texts.
// Every piece of code that handles a token registers it here; everything that
// is written anywhere passes through String first.
package redact

import (
	"bytes"
	"container/list"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret.
const Mask = "[redacted]"

// MaxSecrets bounds the registry. A window left open for weeks refreshes
// every account's token many times a day, and each refresh registers a new
// access and refresh token: unbounded, the registry (and the time String
// takes) would grow for ever. The least recently registered secret goes
// first; code that still holds a secret registers it again on each use (the
// token manager re-adds the refresh token and the client secret whenever it
// reads them), so a live secret stays, and a spent token that drops out is
// still caught by the patterns when it has a token's shape.
const MaxSecrets = 512

var (
	mu      sync.Mutex
	secrets = map[string]*list.Element{} // value → its place in order
	order   = list.New()                 // front: most recently registered
	sorted  []string                     // longest first; nil after a change
)

// Add registers secrets so that String hides them. Very short values are
// ignored: masking "a" everywhere would destroy the text and protect nothing.
func Add(values ...string) {
	mu.Lock()
	defer mu.Unlock()
	for _, v := range values {
		if len(v) < 8 {
			continue
		}
		if e, ok := secrets[v]; ok {
			order.MoveToFront(e)
			continue
		}
		secrets[v] = order.PushFront(v)
		sorted = nil
		for order.Len() > MaxSecrets {
			old := order.Back()
			order.Remove(old)
			delete(secrets, old.Value.(string))
		}
	}
}

// registered is the registry, longest first, so a secret containing
// another is masked whole.
func registered() []string {
	mu.Lock()
	defer mu.Unlock()
	if sorted == nil {
		sorted = make([]string, 0, len(secrets))
		for v := range secrets {
			sorted = append(sorted, v)
		}
		sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	}
	return sorted // never changed in place: Add makes a new one
}

// patterns catch secrets that were never registered: JWTs, bearer values,
// XOAUTH2 blobs (base64 of "user=...\x01auth=Bearer ...") and token-ish
// form or JSON fields.
var patterns = []*regexp.Regexp{
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`),
	regexp.MustCompile(`(?i)(bearer\s+)[^\s"'\x01]+`),
	regexp.MustCompile(`dXNlcj[A-Za-z0-9+/=]{16,}`), // base64("user=")...
	regexp.MustCompile(`(?i)((?:access_token|refresh_token|id_token|client_secret|code|code_verifier|password|assertion)["']?\s*[=:]\s*["']?)[^&"'\s,}]+`),
}

// String returns s with every registered secret and every secret-looking
// value masked.
func String(s string) string {
	for _, v := range registered() {
		s = strings.ReplaceAll(s, v, Mask)
	}
	for i, p := range patterns {
		if i == 0 || i == 2 {
			s = p.ReplaceAllString(s, Mask)
		} else {
			s = p.ReplaceAllString(s, "${1}"+Mask)
		}
	}
	return s
}

// MaxLine bounds what a Writer holds back waiting for the end of a line.
// Protocol lines, even an AUTHENTICATE with a large token, are a few KB; a
// longer "line" is a message body or junk, and is redacted and passed on
// in one piece rather than held in memory.
const MaxLine = 1 << 20

// Writer redacts what is written through it before it reaches W. It works
// on whole lines: a secret that arrives in two Write calls (a protocol
// library writes a command in pieces, a reply arrives in two TCP segments)
// is still seen whole, where redacting each Write would let both halves
// through. A line is passed on once its newline arrives; Flush passes on
// the rest. Safe for concurrent use: each Write's lines reach W whole.
type Writer struct {
	W interface{ Write([]byte) (int, error) }

	mu  sync.Mutex
	buf []byte
}

// NewWriter returns a line-redacting writer into w.
func NewWriter(w interface{ Write([]byte) (int, error) }) *Writer { return &Writer{W: w} }

func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	i := bytes.LastIndexByte(w.buf, '\n')
	if i < 0 && len(w.buf) <= MaxLine {
		return len(p), nil
	}
	if i < 0 {
		i = len(w.buf) - 1
	}
	out := String(string(w.buf[:i+1]))
	w.buf = append(w.buf[:0], w.buf[i+1:]...)
	if _, err := w.W.Write([]byte(out)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush passes on a last line that has no newline, ended with one, so a
// sink shared by several writers never joins it to another's line.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	out := String(string(w.buf)) + "\n"
	w.buf = w.buf[:0]
	_, err := w.W.Write([]byte(out))
	return err
}
