package status

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEchoEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain anna@contoso.com": "plain anna@contoso.com",
		"\x1b[2J\x1b]0;owned\a":  `\x1b[2J\x1b]0;owned\x07`,
		"a\u009b31mb":            `a\x9b31mb`, // C1 CSI is a sequence on its own
		"evil\u202egnp.exe":      `evil\u202egnp.exe`,
		"zero\u200bwidth":        `zero\u200bwidth`,
		"line\nbreak\r\tx":       `line\x0abreak\x0d\x09x`,
		"bad\xffutf8":            `bad\xffutf8`,
		"Müller-Lüdenscheidt":    "Müller-Lüdenscheidt",
	} {
		if got := Echo(in); got != want {
			t.Errorf("Echo(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEchoCutsKeepingBothEnds(t *testing.T) {
	in := "start-" + strings.Repeat("x", 10000) + "-end"
	got := Echo(in)
	if n := utf8.RuneCountInString(got); n != EchoMax {
		t.Errorf("cut to %d characters, want %d", n, EchoMax)
	}
	if !strings.HasPrefix(got, "start-") || !strings.HasSuffix(got, "-end") || !strings.Contains(got, "…") {
		t.Errorf("cut value %q lost its start or end", got)
	}
	if Echo(got) != got {
		t.Error("Echo of an echoed value changed it again")
	}
	esc := Echo("\x1b" + strings.Repeat("ü", 500))
	if Echo(esc) != esc || strings.ContainsRune(esc, 0x1b) {
		t.Errorf("not idempotent or not escaped: %q", esc)
	}
}

func TestProblemArgsAndDetailAreSafe(t *testing.T) {
	p := New(Red, "x", "value", "\x1b[31mred"+strings.Repeat("a", 500)).WithDetail("line one\nline \x1b[2J two" + strings.Repeat("b", 10000))
	if v := p.Args["value"]; strings.ContainsRune(v, 0x1b) || utf8.RuneCountInString(v) > EchoMax {
		t.Errorf("arg %q not escaped or cut", v)
	}
	if strings.ContainsRune(p.Detail, 0x1b) || !strings.Contains(p.Detail, "line one\nline ") || utf8.RuneCountInString(p.Detail) > DetailMax {
		t.Errorf("detail not escaped, lost its lines or not cut: %.80q", p.Detail)
	}
	if got := FirstLine("* OK \x1b]0;title\a ready\r\nsecond"); got != `* OK \x1b]0;title\x07 ready` {
		t.Errorf("FirstLine = %q", got)
	}
}
