package cli

import (
	"bytes"
	"strings"
	"testing"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// A yellow problem printed after a command that worked (the tenant domain
// kept offline, another user signed in) must not read "Error:" — the
// command's exit code is 0 and the helpdesk would look for a failure.
func TestPrintProblemLabelsWarningsAsWarnings(t *testing.T) {
	for _, c := range []struct {
		lang  i18n.Lang
		level status.Level
		want  string
	}{
		{i18n.EN, status.Yellow, "Warning: "},
		{i18n.DE, status.Yellow, "Warnung: "},
		{i18n.EN, status.Red, "Error: "},
		{i18n.DE, status.Red, "Fehler: "},
	} {
		var b bytes.Buffer
		a := &runner{lang: c.lang}
		a.printNote(&b, status.New(c.level, "oauth.user_mismatch", "user", "bob@contoso.example", "login", "anna@contoso.example"))
		if !strings.HasPrefix(b.String(), c.want) {
			t.Errorf("%s %s: got %q, want it to start with %q", c.lang, c.level, b.String(), c.want)
		}
	}
}

// An app-only token names no user: the line must say so instead of
// standing empty, which reads as "the sign-in lost its user".
func TestTokenOfAnAppOnlyAccountSaysNoUserSignedIn(t *testing.T) {
	h := newSandboxCLI(t)
	h.addAppOnly("app", "info@contoso.example")
	out, errs, code := h.run("", "token", "app")
	if code != ExitOK {
		t.Fatalf("token: %d %s", code, errs)
	}
	first := strings.SplitN(out, "\n", 2)[0]
	if !strings.Contains(first, "none (app-only access)") {
		t.Errorf("user line of an app-only token: %q", first)
	}
}
