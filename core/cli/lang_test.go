package cli

import (
	"strings"
	"testing"

	"mailoauth/core/app"
	"mailoauth/core/secret"
)

// The language chosen in the settings speaks when --lang is not given;
// --lang wins over it.
func TestSavedLanguage(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("MAILOAUTH_LOG_DIR", t.TempDir())
	svc, p := app.Open(app.Options{ConfigDir: dir, Secrets: &secret.Memory{}})
	if p != nil {
		t.Fatal(p)
	}
	if p := svc.UpdateSettings(func(x *app.Settings) { x.Language = "de" }); p != nil {
		t.Fatal(p)
	}
	svc.Close()
	_, errs, _ := run(t, dir, "account", "show", "missing")
	if !strings.Contains(errs, "Was tun") {
		t.Errorf("without --lang:\n%s", errs)
	}
	_, errs, _ = run(t, dir, "--lang", "en", "account", "show", "missing")
	if !strings.Contains(errs, "What to do") {
		t.Errorf("with --lang en:\n%s", errs)
	}
}
