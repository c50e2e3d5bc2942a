package secret

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WindowsLimit is the largest value Windows Credential Manager stores in one
// entry (CRED_MAX_CREDENTIAL_BLOB_SIZE); go-keyring refuses anything longer.
const WindowsLimit = 2560

const splitPrefix = "mailoauth-split:v1:"

// backend is the raw keyring: one value per (service, user), no splitting.
type backend interface {
	get(service, user string) (string, error) // ErrNotFound when absent
	set(service, user, value string) error
	del(service, user string) error // ErrNotFound when absent
}

// splitter stores long values as a header entry plus numbered parts, so that
// every entry stays within chunk bytes. The header carries the part count
// and a SHA-256 of the whole value: a lost or stale part is detected and
// reported, never returned as a wrong secret.
type splitter struct {
	b       backend
	service string
	chunk   int
}

func partKey(key string, i int) string { return key + "#" + strconv.Itoa(i) }

func (s *splitter) get(key string) (string, error) {
	v, err := s.b.get(s.service, key)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(v, splitPrefix) {
		return v, nil
	}
	n, sum, ok := parseHeader(v)
	if !ok {
		return "", problem("secret.corrupt", errors.New("bad split header"))
	}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		part, err := s.b.get(s.service, partKey(key, i))
		if errors.Is(err, ErrNotFound) {
			return "", problem("secret.corrupt", fmt.Errorf("part %d of %d missing", i, n))
		}
		if err != nil {
			return "", err
		}
		b.WriteString(part)
	}
	whole := b.String()
	if h := sha256.Sum256([]byte(whole)); hex.EncodeToString(h[:]) != sum {
		return "", problem("secret.corrupt", errors.New("parts do not match the checksum"))
	}
	return whole, nil
}

func parseHeader(v string) (int, string, bool) {
	f := strings.Split(strings.TrimPrefix(v, splitPrefix), ":")
	if len(f) != 2 {
		return 0, "", false
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 || n > 1000 || len(f[1]) != 64 {
		return 0, "", false
	}
	return n, f[1], true
}

// parts returns how many parts key has now (0 when stored whole or absent).
func (s *splitter) parts(key string) int {
	v, err := s.b.get(s.service, key)
	if err != nil || !strings.HasPrefix(v, splitPrefix) {
		return 0
	}
	n, _, _ := parseHeader(v)
	return n
}

func (s *splitter) set(key, value string) error {
	old := s.parts(key)
	if len(value) <= s.chunk && !strings.HasPrefix(value, splitPrefix) {
		if err := s.b.set(s.service, key, value); err != nil {
			return err
		}
		s.dropParts(key, 1, old)
		return nil
	}
	chunks := splitUTF8(value, s.chunk)
	for i, c := range chunks {
		if err := s.b.set(s.service, partKey(key, i+1), c); err != nil {
			return err
		}
	}
	sum := sha256.Sum256([]byte(value))
	// The header goes last: a reader never sees a header whose parts are not
	// all written yet.
	if err := s.b.set(s.service, key, fmt.Sprintf("%s%d:%s", splitPrefix, len(chunks), hex.EncodeToString(sum[:]))); err != nil {
		return err
	}
	s.dropParts(key, len(chunks)+1, old)
	return nil
}

func (s *splitter) dropParts(key string, from, to int) {
	for i := from; i <= to; i++ {
		_ = s.b.del(s.service, partKey(key, i))
	}
}

func (s *splitter) del(key string) error {
	n := s.parts(key)
	err := s.b.del(s.service, key)
	s.dropParts(key, 1, n)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// splitUTF8 cuts s into pieces of at most n bytes without splitting a rune,
// because Windows stores each piece as text.
func splitUTF8(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

// run calls fn off the caller's goroutine and gives up when ctx ends: a
// keyring daemon that hangs (a D-Bus prompt nobody can answer) must not hang
// the program.
func run[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	type res struct {
		v   T
		err error
	}
	ch := make(chan res, 1)
	go func() {
		v, err := fn()
		ch <- res{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, problem("secret.timeout", ctx.Err())
	}
}
