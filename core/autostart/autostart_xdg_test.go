//go:build linux || freebsd || openbsd || netbsd

package autostart

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDesktopFileOnOff: Enable writes $XDG_CONFIG_HOME/autostart/
// mailoauth.desktop, Enabled reads the command back, Disable removes the
// file, and a second Disable is no problem.
func TestDesktopFileOnOff(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	exe := "/opt/mail oauth/100% \"echt\"/mailoauth"
	args := []string{"--minimized", "--config-dir", `/home/anna/$Büro\x`}
	if p := Enable(exe, args); p != nil {
		t.Fatal(p)
	}
	path := filepath.Join(cfg, "autostart", "mailoauth.desktop")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[Desktop Entry]\n", "Type=Application\n", "Name=mailoauth\n",
		`Exec="/opt/mail oauth/100%% \\"echt\\"/mailoauth" --minimized --config-dir "/home/anna/\\$Büro\\\\x"` + "\n",
		"Comment[de]=Überwacht"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("desktop file lacks %q:\n%s", want, data)
		}
	}
	cmd, on, p := Enabled()
	if p != nil || !on || !slices.Equal(cmd, append([]string{exe}, args...)) {
		t.Fatalf("Enabled = %q %v %v", cmd, on, p)
	}
	if p := Disable(); p != nil {
		t.Fatal(p)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("desktop file after Disable: %v", err)
	}
	if _, on, p := Enabled(); on || p != nil {
		t.Fatalf("after Disable: on %v %v", on, p)
	}
	if p := Disable(); p != nil {
		t.Fatalf("second Disable: %v", p)
	}
}

// TestDesktopFileFallbackAndHidden: without (or with a relative)
// XDG_CONFIG_HOME the file goes to ~/.config; an entry the desktop
// switched off (Hidden=true) is registered but not on.
func TestDesktopFileFallbackAndHidden(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "relative/ignored")
	if p := Enable("/usr/bin/mailoauth", []string{"--minimized"}); p != nil {
		t.Fatal(p)
	}
	path := filepath.Join(home, ".config", "autostart", "mailoauth.desktop")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, "Hidden=true\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	if cmd, on, p := Enabled(); on || p != nil || len(cmd) != 2 {
		t.Fatalf("hidden entry: %q on %v %v", cmd, on, p)
	}
}

// TestDesktopFileCannotWrite: a folder that cannot be made gives the
// yellow problem with a fix in both languages, naming the file.
func TestDesktopFileCannotWrite(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	// A file where the autostart folder belongs: refused even for root.
	if err := os.WriteFile(filepath.Join(cfg, "autostart"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p := Enable("/usr/bin/mailoauth", nil)
	if p == nil || p.Code != "autostart.write" || p.Level != "yellow" || !strings.Contains(p.Message("de"), "mailoauth.desktop") ||
		p.Fix("de") == "" || p.Fix("en") == "" {
		t.Fatalf("problem: %+v", p)
	}
}

// TestDesktopFileGioLaunch: GLib (what GNOME's session starts autostart
// entries with) runs the written Exec line and hands the program exactly
// its arguments, spaces, quotes, '%', '$' and backslashes included.
func TestDesktopFileGioLaunch(t *testing.T) {
	gio, err := exec.LookPath("gio")
	if err != nil {
		t.Skip("gio not installed (libglib2.0-bin)")
	}
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	// No '%' in the program's own path: GLib looks the program up before
	// it turns "%%" back into "%" and then finds none (seen with GLib
	// 2.84); in the arguments it is fine.
	dir := filepath.Join(t.TempDir(), `mail oauth "x" $y`)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "argv")
	exe := filepath.Join(dir, "mailoauth")
	script := "#!/bin/sh\nprintf '%s\\0' \"$@\" > '" + out + ".tmp' && mv '" + out + ".tmp' '" + out + "'\n"
	if err := os.WriteFile(exe, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"--minimized", "--config-dir", `/home/anna/a b\c "d" $e 50%`}
	if p := Enable(exe, args); p != nil {
		t.Fatal(p)
	}
	c := exec.Command(gio, "launch", filepath.Join(cfg, "autostart", "mailoauth.desktop"))
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("gio launch: %v\n%s", err, b)
	}
	var got []byte
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if got, err = os.ReadFile(out); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("the entry's program did not run: %v", err)
	}
	argv := strings.Split(strings.TrimSuffix(string(got), "\x00"), "\x00")
	if !slices.Equal(argv, args) {
		t.Fatalf("gio started it with %q, want %q", argv, args)
	}
}
