package status

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzEcho: an echoed value is valid UTF-8 without any character a
// terminal or label acts on, at most EchoMax characters, and stable.
func FuzzEcho(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		out := Echo(in)
		if !utf8.ValidString(out) || utf8.RuneCountInString(out) > EchoMax {
			t.Fatalf("Echo(%q) = %q", in, out)
		}
		for _, r := range out {
			if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("Echo(%q) = %q keeps %U", in, out, r)
			}
		}
		if Echo(out) != out {
			t.Fatalf("Echo not stable on %q", in)
		}
		d := New(Red, "x").WithDetail(in).Detail
		if !utf8.ValidString(d) || strings.ContainsAny(d, "\x1b\r\u009b") || utf8.RuneCountInString(d) > DetailMax {
			t.Fatalf("detail of %q = %q", in, d)
		}
	})
}
