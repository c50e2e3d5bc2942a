package cli

import (
	"io"
	"strings"
	"testing"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/secret"
)

// saveLanguage keeps lang as the language chosen in the window's settings
// of the config folder dir.
func saveLanguage(t *testing.T, dir, lang string) {
	t.Helper()
	t.Setenv("MAILOAUTH_LOG_DIR", t.TempDir())
	svc, p := app.Open(app.Options{ConfigDir: dir, Secrets: &secret.Memory{}})
	if p != nil {
		t.Fatal(p)
	}
	defer svc.Close()
	if p := svc.UpdateSettings(func(x *app.Settings) { x.Language = lang }); p != nil {
		t.Fatal(p)
	}
}

// systemGerman makes the system's locale German.
func systemGerman(t *testing.T) {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES"} {
		t.Setenv(v, "")
	}
	t.Setenv("LANGUAGE", "de_DE")
	t.Setenv("LANG", "de_DE.UTF-8")
	if i18n.Detect() != i18n.DE {
		t.Fatal("the system's locale is not German")
	}
}

// The language is one rule for the command line, the window and the
// Windows exe's first look at the command line (Classify): --lang wins,
// then the language saved in the settings of the config folder the run
// uses (--config-dir, else MAILOAUTH_CONFIG_DIR), then the system's.
func TestLanguageOneRule(t *testing.T) {
	systemGerman(t)
	dir := t.TempDir()
	saveLanguage(t, dir, "en")
	for _, c := range []struct {
		args []string
		want string // a text of the language's
	}{
		{[]string{"account", "show", "missing"}, "What to do"},
		{[]string{"--lang", "de", "account", "show", "missing"}, "Was tun"},
		{[]string{"account", "show", "missing", "--lang=de"}, "Was tun"},
		// An unknown --lang is told in the language the run speaks
		// without it.
		{[]string{"--lang", "fr", "account", "list"}, "Unknown language"},
	} {
		_, errs, _ := run(t, dir, c.args...)
		if !strings.Contains(errs, c.want) {
			t.Errorf("%q, saved en, system de: want %q in\n%s", c.args, c.want, errs)
		}
	}
	for line, want := range map[string]i18n.Lang{
		"--config-dir " + dir + " check":           i18n.EN,
		"check --config-dir " + dir:                i18n.EN,
		"--config-dir " + dir + " check --lang de": i18n.DE,
		"check": i18n.DE, // another folder, nothing saved there
	} {
		t.Setenv("MAILOAUTH_CONFIG_DIR", t.TempDir())
		if _, l := Classify(strings.Fields(line)); l != want {
			t.Errorf("Classify(%q) speaks %s, want %s", line, l, want)
		}
	}
	t.Setenv("MAILOAUTH_CONFIG_DIR", dir)
	if _, l := Classify([]string{"check"}); l != i18n.EN {
		t.Errorf("MAILOAUTH_CONFIG_DIR with en saved: Classify speaks %s", l)
	}
	// The window gets the same language.
	var got GUIStart
	Main([]string{"--config-dir", dir}, Env{Stdout: io.Discard, Stderr: io.Discard, RunGUI: func(g GUIStart) int { got = g; return 0 }})
	if got.Lang != i18n.EN {
		t.Errorf("window, saved en, system de: %s", got.Lang)
	}
	Main([]string{"--config-dir", dir, "--lang", "de"}, Env{Stdout: io.Discard, Stderr: io.Discard, RunGUI: func(g GUIStart) int { got = g; return 0 }})
	if got.Lang != i18n.DE {
		t.Errorf("window, --lang de over saved en: %s", got.Lang)
	}
}
