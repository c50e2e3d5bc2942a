package status

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EchoMax is how many characters of a typed or file-held value a message
// repeats: enough to recognise it, short enough that a pasted log file or a
// 10,000-character field does not bury the message and its fix.
const EchoMax = 100

// DetailMax bounds a problem's raw detail; the helpdesk needs the server's
// answer, not a megabyte of it.
const DetailMax = 4000

// Echo is a value the user typed or a file held, made safe to repeat in a
// message: control characters, terminal escape sequences, invisible format
// characters (bidi overrides that reorder what the reader sees) and invalid
// UTF-8 are written as \x1b, \u202e or \xff, and a long value is cut in the
// middle to EchoMax characters so that its start and its end stay visible.
// Echo of an echoed value changes nothing more.
func Echo(s string) string {
	return cut(escape(s, false), EchoMax)
}

// escape writes every character a terminal or a label could act on, or
// that the reader cannot see, as an escape; keepLines keeps line breaks
// and tabs for multi-line details.
func escape(s string, keepLines bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r, keepLines):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(r rune, keepLines bool) bool {
	if keepLines && (r == '\n' || r == '\t') {
		return false
	}
	// Cc: C0, DEL and C1 (ESC starts every terminal sequence; C1 CSI 0x9b
	// is one on its own). Cf: bidi overrides, zero-width characters.
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) ||
		r == '\u2028' || r == '\u2029'
}

// cut shortens s to max characters, keeping its start and end around "…".
func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	head := max * 2 / 3
	tail := max - head - 1
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}
