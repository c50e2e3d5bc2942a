// Package monitor renders check results for the tools helpdesks already
// run: the Nagios plugin convention (Nagios, Icinga, Checkmk's MRPE) and
// entries for the Windows event log. It is pure: results in, text out.
package monitor

import (
	"fmt"
	"strings"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// Nagios plugin states, which are also the plugin's exit codes.
const (
	OK       = 0
	Warning  = 1
	Critical = 2
	Unknown  = 3
)

var stateWord = [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}

// ProgramFault reports a problem of mailoauth itself or of the machine it
// runs on (keyring unreachable or locked, configuration unreadable) rather
// than of a mailbox. A monitoring plugin must say UNKNOWN then: it could
// not find out how the mailbox is, and paging someone about the mailbox
// would send them the wrong way.
func ProgramFault(p *status.Problem) bool {
	return p != nil && (strings.HasPrefix(p.Code, "secret.") || strings.HasPrefix(p.Code, "account.store."))
}

// state is the Nagios state of one result; ok is false for grey (not
// enabled, not checked), which counts for nothing.
func state(r status.Result) (int, bool) {
	switch {
	case ProgramFault(r.Problem):
		return Unknown, true
	case r.Level == status.Red:
		return Critical, true
	case r.Level == status.Yellow:
		return Warning, true
	case r.Level == status.Green:
		return OK, true
	}
	return 0, false
}

// Nagios renders one check run as a Nagios plugin's output — the status
// line "MAILOAUTH <STATE> - <summary> | <performance data>", then one line
// per result — and returns it with the plugin's exit code. fault is a
// problem that kept the run from checking at all (nil when it ran). Any
// fault of the program makes the whole run UNKNOWN; otherwise the worst
// result decides; a run with nothing checked is UNKNOWN too.
func Nagios(results []status.Result, fault *status.Problem, lang i18n.Lang) (string, int) {
	var b strings.Builder
	if fault != nil {
		fmt.Fprintf(&b, "MAILOAUTH UNKNOWN - %s\n", oneLine(problemText(fault, lang)))
		return b.String(), Unknown
	}
	worst, counted := OK, 0
	unknown := false
	count := map[int]int{}
	var bad []string
	for _, r := range results {
		s, ok := state(r)
		if !ok {
			continue
		}
		counted++
		count[s]++
		if s == Unknown {
			unknown = true
		} else if s > worst {
			worst = s
		}
		if s != OK {
			msg := string(r.Level)
			if r.Problem != nil {
				msg = oneLine(r.Problem.Message(lang))
			}
			bad = append(bad, fmt.Sprintf("%s %s: %s", r.Account, strings.ToUpper(r.Protocol), msg))
		}
	}
	if unknown || counted == 0 {
		worst = Unknown
	}
	summary := i18n.T(lang, "monitor.summary", i18n.Args{
		"red": fmt.Sprint(count[Critical]), "yellow": fmt.Sprint(count[Warning]), "green": fmt.Sprint(count[OK]), "unknown": fmt.Sprint(count[Unknown])})
	if counted == 0 {
		summary = i18n.T(lang, "monitor.nothing_checked", nil)
	}
	fmt.Fprintf(&b, "MAILOAUTH %s - %s", stateWord[worst], summary)
	if len(bad) > 0 {
		fmt.Fprintf(&b, ": %s", strings.Join(bad, "; "))
	}
	if perf := perfData(results); perf != "" {
		fmt.Fprintf(&b, " | %s", perf)
	}
	b.WriteString("\n")
	// Long output: every result with its fix, for the service's detail page.
	for _, r := range results {
		s, ok := state(r)
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "%s %s %s", r.Account, strings.ToUpper(r.Protocol), stateWord[s])
		if r.Problem != nil {
			fmt.Fprintf(&b, ": %s", oneLine(problemText(r.Problem, lang)))
		}
		b.WriteString("\n")
	}
	return b.String(), worst
}

// perfData is one duration per checked account and protocol, labelled
// "<account>_<protocol>_ms". Labels must be unique, or graphing tools mix
// two series; they may hold neither quotes nor '=', so everything but
// letters, digits, '.', '-' and '_' becomes '_', and a label that two
// accounts would share after that gets a number.
func perfData(results []status.Result) string {
	used := map[string]bool{}
	var parts []string
	for _, r := range results {
		if _, ok := state(r); !ok {
			continue
		}
		base := sanitize(r.Account) + "_" + sanitize(strings.ToLower(r.Protocol)) + "_ms"
		label := base
		for n := 2; used[label]; n++ {
			label = fmt.Sprintf("%s_%d", strings.TrimSuffix(base, "_ms"), n) + "_ms"
		}
		used[label] = true
		parts = append(parts, fmt.Sprintf("'%s'=%dms;;;0", label, r.Duration.Milliseconds()))
	}
	return strings.Join(parts, " ")
}

func sanitize(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

func problemText(p *status.Problem, lang i18n.Lang) string {
	s := p.Message(lang)
	if fix := p.Fix(lang); fix != "" {
		s += " — " + i18n.T(lang, "common.fix_prefix", nil) + ": " + fix
	}
	return s
}

// oneLine keeps a text on its line: a newline would end the status line,
// and '|' would start the performance data.
func oneLine(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", "/").Replace(s)
	return strings.TrimSpace(s)
}
