package status

import (
	"errors"
	"fmt"
	"testing"

	"mailoauth/core/i18n"
)

func TestWorstAndExit(t *testing.T) {
	cases := []struct {
		in   []Level
		want Level
		exit int
	}{
		{nil, Grey, 0},
		{[]Level{Grey, Green}, Green, 0},
		{[]Level{Green, Yellow, Grey}, Yellow, 1},
		{[]Level{Red, Yellow, Green}, Red, 2},
	}
	for _, c := range cases {
		got := Worst(c.in...)
		if got != c.want || ExitCode(got) != c.exit {
			t.Errorf("Worst(%v) = %s exit %d, want %s exit %d", c.in, got, ExitCode(got), c.want, c.exit)
		}
	}
}

func TestProblemFindsItsTexts(t *testing.T) {
	p := New(Red, "lang.invalid", "value", "xx").WithDetail("raw")
	wrapped := fmt.Errorf("ctx: %w", p)
	got, ok := AsProblem(wrapped)
	if !ok || got != p {
		t.Fatal("AsProblem lost the problem")
	}
	if p.Fix(i18n.DE) != "Verwenden Sie --lang de oder --lang en." {
		t.Errorf("fix: %q", p.Fix(i18n.DE))
	}
	if p.Error() != `Unknown language "xx". (raw)` {
		t.Errorf("error: %q", p.Error())
	}
	cause := errors.New("cause")
	if !errors.Is(New(Red, "x").Wrap(cause), cause) {
		t.Error("Wrap lost the cause")
	}
	if New(Red, "common.ok").Fix(i18n.EN) != "" {
		t.Error("fix for a code without fix")
	}
}

func TestFirstLine(t *testing.T) {
	for in, want := range map[string]string{
		"  535 5.7.3 Authentication unsuccessful\r\n[stack]": "535 5.7.3 Authentication unsuccessful",
		"AADSTS50011: redirect\nTrace ID: x":                 "AADSTS50011: redirect",
		"\r\nsecond":                                         "second",
		"one":                                                "one",
		"":                                                   "",
	} {
		if got := FirstLine(in); got != want {
			t.Errorf("FirstLine(%q) = %q, want %q", in, got, want)
		}
	}
}
