// Package status holds the traffic-light levels and the problem type that
// the CLI and the GUI share, so neither has to look at protocol errors.
package status

import (
	"errors"
	"strings"
	"time"

	"mailoauth/core/i18n"
)

// Level is a traffic-light colour.
type Level string

// The levels, from best to worst; Grey means "not checked" or "not enabled"
// and never makes an overall result worse.
const (
	Grey   Level = "grey"
	Green  Level = "green"
	Yellow Level = "yellow"
	Red    Level = "red"
)

// Rank orders the lights by how bad they are: grey 0, green 1, yellow 2,
// red 3.
func (l Level) Rank() int {
	switch l {
	case Green:
		return 1
	case Yellow:
		return 2
	case Red:
		return 3
	}
	return 0
}

// Worst returns the worse of the levels; grey counts for nothing.
func Worst(levels ...Level) Level {
	w := Grey
	for _, l := range levels {
		if l.Rank() > w.Rank() {
			w = l
		}
	}
	return w
}

// ExitCode maps the worst level of a run to the CLI's exit code, which
// scripts and monitoring read: 0 all enabled green (or nothing to check),
// 1 yellow, 2 red.
func ExitCode(worst Level) int {
	switch worst {
	case Red:
		return 2
	case Yellow:
		return 1
	}
	return 0
}

// Problem is an error a user can act on: a level, a catalogue key for the
// problem text (Code) and, when the catalogue has it, a fix under Code+".fix",
// plus the raw server or identity-platform text (Detail, already redacted)
// for a helpdesk ticket.
type Problem struct {
	Level  Level
	Code   string
	Args   i18n.Args
	Detail string
	Err    error
}

// New returns a problem; args are key, value pairs. Every value goes
// through Echo: a value is what the user typed, a file held or a server
// sent far more often than not, and a message must never carry a terminal
// escape sequence or a page-long paste to the screen.
func New(level Level, code string, args ...string) *Problem {
	p := &Problem{Level: level, Code: code, Args: i18n.Pairs(args...)}
	for k, v := range p.Args {
		p.Args[k] = Echo(v)
	}
	return p
}

// WithDetail sets the raw text shown to the helpdesk: lines stay, control
// characters and escape sequences are escaped, and it is cut to DetailMax.
func (p *Problem) WithDetail(d string) *Problem { p.Detail = cut(escape(d, true), DetailMax); return p }

// Wrap records the underlying error (kept for errors.Is/As, never shown raw).
func (p *Problem) Wrap(err error) *Problem { p.Err = err; return p }

// Message renders the problem text.
func (p *Problem) Message(l i18n.Lang) string { return i18n.T(l, p.Code, p.Args) }

// Fix renders what the user should do, or "" when the catalogue has no fix.
func (p *Problem) Fix(l i18n.Lang) string {
	if !i18n.Has(i18n.EN, p.Code+".fix") {
		return ""
	}
	return i18n.T(l, p.Code+".fix", p.Args)
}

// Error renders the problem in English with its detail; CLI and GUI call
// Message and Fix in the user's language instead.
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Message(i18n.EN))
	if p.Detail != "" {
		b.WriteString(" (")
		b.WriteString(p.Detail)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap exposes the cause.
func (p *Problem) Unwrap() error { return p.Err }

// AsProblem finds a *Problem in err's chain.
func AsProblem(err error) (*Problem, bool) {
	var p *Problem
	if errors.As(err, &p) {
		return p, true
	}
	return nil, false
}

// FirstLine is the first line of a server's or the identity platform's
// answer, trimmed: what a step's reply and a problem's detail show, so a
// multi-line answer (a stack trace, an HTML page) cannot flood either.
// A server is outside input: its escape sequences are escaped and a
// line without end is cut to DetailMax.
func FirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return cut(escape(s, false), DetailMax)
}

// Step is one timed step of a check, with the server's reply (redacted).
type Step struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration_ns"`
	Reply    string        `json:"reply,omitempty"`
	OK       bool          `json:"ok"`
}

// Result is the outcome of one check of one protocol of one account.
type Result struct {
	Account  string
	Protocol string
	Level    Level
	Problem  *Problem // nil when green or grey-by-design
	Steps    []Step
	Duration time.Duration
	// Info carries facts learnt on the way, e.g. "uidvalidity", "sent_folder",
	// "messages" — shown in details and used by later checks.
	Info map[string]string
	At   time.Time
}
