package autostart

import (
	"strings"
)

// The Exec key of a desktop entry (Desktop Entry Specification 1.5, "The
// Exec key") has two layers: arguments are quoted by the shell-like rule
// below, then the whole value is escaped as a string ("\\" for a
// backslash). A literal backslash in a quoted argument is thus four
// backslashes in the file, a dollar sign "\\$". This file holds both
// directions for every OS, so the unit tests run anywhere.

// execReserved are the characters that make an argument need quotes.
const execReserved = " \t\n\"'\\><~|&;$*?#()`"

// quoteExecArg quotes one argument for the Exec key (before the string
// escape). "%" is doubled everywhere: a single one starts a field code
// (%f, %u) that the launcher would replace.
func quoteExecArg(a string) string {
	a = strings.ReplaceAll(a, "%", "%%")
	if a != "" && !strings.ContainsAny(a, execReserved) {
		return a
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range a {
		switch r {
		case '"', '`', '$', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// execLine is the Exec value for argv, string escape included.
func execLine(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = quoteExecArg(a)
	}
	return escapeString(strings.Join(q, " "))
}

// escapeString is the escape of a desktop entry's string value.
var escapeString = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace

// unescapeString undoes escapeString (and reads "\s", a space).
func unescapeString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 's':
			b.WriteByte(' ')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// parseExecLine splits an Exec value back into argv: what Enabled reports,
// so the service can tell whose entry it is. Field codes other than "%%"
// are dropped, as a launcher with nothing to open would.
func parseExecLine(v string) []string {
	s := unescapeString(v)
	var argv []string
	var cur strings.Builder
	in, started := false, false
	flush := func() {
		// An argument that was only a field code (%U) goes away with it.
		if raw := cur.String(); started && (raw == "" || expandPercent(raw) != "") {
			argv = append(argv, expandPercent(raw))
		}
		cur.Reset()
		started = false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in && c == '\\' && i+1 < len(s) && strings.IndexByte("\"`$\\", s[i+1]) >= 0:
			i++
			cur.WriteByte(s[i])
		case c == '"':
			in, started = !in, true
		case !in && (c == ' ' || c == '\t' || c == '\n'):
			flush()
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	flush()
	return argv
}

// expandPercent turns "%%" into "%" and drops other field codes.
func expandPercent(a string) string {
	if !strings.Contains(a, "%") {
		return a
	}
	var b strings.Builder
	for i := 0; i < len(a); i++ {
		if a[i] == '%' && i+1 < len(a) {
			i++
			if a[i] == '%' {
				b.WriteByte('%')
			}
			continue
		}
		b.WriteByte(a[i])
	}
	return b.String()
}
