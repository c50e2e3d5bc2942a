// Package redact keeps secrets out of logs, transcripts and error texts.
// Every piece of code that handles a token registers it here; everything that
// is written anywhere passes through String first.
package redact

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret.
const Mask = "[redacted]"

var (
	mu      sync.RWMutex
	secrets = map[string]struct{}{}
)

// Add registers secrets so that String hides them. Very short values are
// ignored: masking "a" everywhere would destroy the text and protect nothing.
func Add(values ...string) {
	mu.Lock()
	defer mu.Unlock()
	for _, v := range values {
		if len(v) >= 8 {
			secrets[v] = struct{}{}
		}
	}
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
	mu.RLock()
	list := make([]string, 0, len(secrets))
	for v := range secrets {
		list = append(list, v)
	}
	mu.RUnlock()
	// Longest first, so a secret containing another is masked whole.
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, v := range list {
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

// Writer wraps an io.Writer-like sink, redacting each write.
type Writer struct {
	W interface{ Write([]byte) (int, error) }
}

func (w Writer) Write(p []byte) (int, error) {
	if _, err := w.W.Write([]byte(String(string(p)))); err != nil {
		return 0, err
	}
	return len(p), nil
}
