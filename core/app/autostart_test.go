//go:build linux || freebsd || openbsd || netbsd

package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailoauth/core/status"
)

// autostartService is a service on configDir whose start at sign-in goes
// to a desktop file under a temporary XDG_CONFIG_HOME (returned).
func autostartService(t *testing.T, xdg, configDir string) *Service {
	t.Helper()
	s := memoryService(t, configDir)
	s.executable = func() (string, error) { return "/opt/mail oauth/mailoauth", nil }
	return s
}

func desktopExec(t *testing.T, xdg string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(xdg, "autostart", "mailoauth.desktop"))
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "Exec="); ok {
			return v
		}
	}
	t.Fatalf("no Exec line:\n%s", data)
	return ""
}

// TestStartWithWindowsWritesAndRemoves: switching the setting on writes the
// entry (the running program, --minimized, the non-default config folder),
// off removes it, and "remove all data" removes it too.
func TestStartWithWindowsWritesAndRemoves(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	dir := filepath.Join(t.TempDir(), "my config")
	s := autostartService(t, xdg, dir)
	on := func(v bool) *status.Problem { return s.UpdateSettings(func(x *Settings) { x.StartWithWindows = v }) }
	if p := on(true); p != nil {
		t.Fatal(p)
	}
	want := `"/opt/mail oauth/mailoauth" --minimized --config-dir "` + dir + `"`
	if got := desktopExec(t, xdg); got != want {
		t.Fatalf("Exec=%s, want %s", got, want)
	}
	if set, _ := s.Settings(); !set.StartWithWindows {
		t.Fatal("setting not on")
	}
	// Another setting saved later leaves the entry alone.
	if p := s.UpdateSettings(func(x *Settings) { x.EveryMinutes = 5 }); p != nil || desktopExec(t, xdg) != want {
		t.Fatalf("after another setting: %v %q", p, desktopExec(t, xdg))
	}
	if p := on(false); p != nil {
		t.Fatal(p)
	}
	if got := desktopExec(t, xdg); got != "" {
		t.Fatalf("entry left after switching off: %s", got)
	}
	if p := on(true); p != nil || desktopExec(t, xdg) == "" {
		t.Fatalf("on again: %v", p)
	}
	if p := s.RemoveAll(context.Background()); p != nil {
		t.Fatal(p)
	}
	if got := desktopExec(t, xdg); got != "" {
		t.Fatalf("entry left after remove all data: %s", got)
	}
}

// TestStartWithWindowsDefaultFolder: the default config folder needs no
// --config-dir on the command line.
func TestStartWithWindowsDefaultFolder(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg) // os.UserConfigDir on Linux
	t.Setenv("MAILOAUTH_CONFIG_DIR", "")
	s := autostartService(t, xdg, "")
	if s.ConfigDir() != filepath.Join(xdg, "mailoauth") {
		t.Fatalf("config dir %s", s.ConfigDir())
	}
	if p := s.UpdateSettings(func(x *Settings) { x.StartWithWindows = true }); p != nil {
		t.Fatal(p)
	}
	if got := desktopExec(t, xdg); got != `"/opt/mail oauth/mailoauth" --minimized` {
		t.Fatalf("Exec=%s", got)
	}
}

// TestStartWithWindowsRefused: an entry that cannot be written leaves the
// setting off (never "on" without it) with a yellow problem and its fix;
// the other settings of the same save are kept.
func TestStartWithWindowsRefused(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	if err := os.WriteFile(filepath.Join(xdg, "autostart"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := autostartService(t, xdg, filepath.Join(t.TempDir(), "c"))
	p := s.UpdateSettings(func(x *Settings) { x.StartWithWindows, x.EveryMinutes = true, 30 })
	if p == nil || p.Level != status.Yellow || p.Code != "autostart.write" || p.Fix("de") == "" {
		t.Fatalf("problem: %+v", p)
	}
	set, _ := s.Settings()
	if set.StartWithWindows || set.EveryMinutes != 30 {
		t.Fatalf("after a refused entry: %+v", set)
	}
}

// TestStartWithWindowsOtherFolder: another folder's entry is neither
// removed by switching off nor by remove all data here; the window's
// start then sets this folder's setting off with a note. An entry of this
// folder for a program that moved is written anew at start.
func TestStartWithWindowsOtherFolder(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	a := autostartService(t, xdg, filepath.Join(t.TempDir(), "a"))
	b := autostartService(t, xdg, filepath.Join(t.TempDir(), "b"))
	if p := a.UpdateSettings(func(x *Settings) { x.StartWithWindows = true }); p != nil {
		t.Fatal(p)
	}
	a.executable = func() (string, error) { return "/usr/local/bin/mailoauth", nil }
	if p := a.FollowAutostart(); p != nil {
		t.Fatal(p)
	}
	if got := desktopExec(t, xdg); !strings.HasPrefix(got, "/usr/local/bin/mailoauth --minimized --config-dir ") {
		t.Fatalf("did not follow the moved program: %s", got)
	}
	if p := b.UpdateSettings(func(x *Settings) { x.StartWithWindows = true }); p != nil {
		t.Fatal(p)
	}
	bExec := desktopExec(t, xdg)
	if p := a.UpdateSettings(func(x *Settings) { x.StartWithWindows = false }); p != nil || desktopExec(t, xdg) != bExec {
		t.Fatalf("switching off a removed b's entry: %v", p)
	}
	if p := a.UpdateSettings(func(x *Settings) { x.StartWithWindows = true }); p != nil {
		t.Fatal(p)
	}
	if p := b.FollowAutostart(); p == nil || p.Code != "autostart.other_folder" {
		t.Fatalf("b at start: %v", p)
	}
	if set, _ := b.Settings(); set.StartWithWindows {
		t.Fatal("b still says on")
	}
	aExec := desktopExec(t, xdg)
	if p := b.RemoveAll(context.Background()); p != nil || desktopExec(t, xdg) != aExec {
		t.Fatalf("b's remove all touched a's entry: %v", p)
	}
}
