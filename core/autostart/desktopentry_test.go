package autostart

import (
	"slices"
	"testing"
)

// TestExecQuoting: the Exec line of the Desktop Entry Specification — an
// argument with a reserved character in double quotes, '"', '`', '$' and
// '\' escaped inside them, '%' doubled (else a field code), and then the
// string escape on top (a literal backslash is four in the file).
func TestExecQuoting(t *testing.T) {
	cases := []struct {
		argv []string
		want string
	}{
		{[]string{"/usr/bin/mailoauth", "--minimized"}, `/usr/bin/mailoauth --minimized`},
		{[]string{"/opt/mail oauth/mailoauth", "--minimized"}, `"/opt/mail oauth/mailoauth" --minimized`},
		{[]string{"/home/a/100%/mailoauth"}, `/home/a/100%%/mailoauth`},
		{[]string{"/x", "--config-dir", `/home/a/"Büro" $HOME`}, `/x --config-dir "/home/a/\\"Büro\\" \\$HOME"`},
		{[]string{`/a\b`}, `"/a\\\\b"`},
		{[]string{"/x", "it's", "a`b", "50% off"}, `/x "it's" "a\\` + "`" + `b" "50%% off"`},
		{[]string{"/x", ""}, `/x ""`},
		{[]string{"/x", "two\nlines"}, `/x "two\nlines"`},
	}
	for _, c := range cases {
		got := execLine(c.argv)
		if got != c.want {
			t.Errorf("execLine(%q)\n got %s\nwant %s", c.argv, got, c.want)
		}
		if back := parseExecLine(got); !slices.Equal(back, c.argv) {
			t.Errorf("parseExecLine(%s) = %q, want %q", got, back, c.argv)
		}
	}
}

// TestParseExecLineForeign: lines written by hand or by a desktop's
// settings (\s escapes, a field code) still read back.
func TestParseExecLineForeign(t *testing.T) {
	for line, want := range map[string][]string{
		`mailoauth\s--minimized`:                {"mailoauth", "--minimized"},
		`/usr/bin/mailoauth %U --minimized`:     {"/usr/bin/mailoauth", "--minimized"},
		`"/opt/my apps/mailoauth"  --minimized`: {"/opt/my apps/mailoauth", "--minimized"},
	} {
		if got := parseExecLine(line); !slices.Equal(got, want) {
			t.Errorf("parseExecLine(%s) = %q, want %q", line, got, want)
		}
	}
}
