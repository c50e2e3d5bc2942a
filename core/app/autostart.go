package app

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"mailoauth/core/account"
	"mailoauth/core/autostart"
	"mailoauth/core/status"
)

// autostarter is the system's start at sign-in (core/autostart); the demo
// keeps it in memory.
type autostarter interface {
	Enable(exe string, args []string) *status.Problem
	Disable() *status.Problem
	Enabled() ([]string, bool, *status.Problem)
	Offered() *status.Problem
}

type systemAutostart struct{}

func (systemAutostart) Enable(exe string, args []string) *status.Problem {
	return autostart.Enable(exe, args)
}
func (systemAutostart) Disable() *status.Problem                   { return autostart.Disable() }
func (systemAutostart) Enabled() ([]string, bool, *status.Problem) { return autostart.Enabled() }
func (systemAutostart) Offered() *status.Problem                   { return autostart.Offered() }

// memoryAutostart is the demo's: its config folder is temporary, so a
// real entry would start a program into a folder that is gone.
type memoryAutostart struct {
	mu  sync.Mutex
	cmd []string
}

func (m *memoryAutostart) Enable(exe string, args []string) *status.Problem {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cmd = append([]string{exe}, args...)
	return nil
}
func (m *memoryAutostart) Disable() *status.Problem {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cmd = nil
	return nil
}
func (m *memoryAutostart) Enabled() ([]string, bool, *status.Problem) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cmd, m.cmd != nil, nil
}
func (m *memoryAutostart) Offered() *status.Problem { return nil }

// AutostartOffered is nil where the program can start itself at sign-in,
// else the problem that says it is not offered on this system.
func (s *Service) AutostartOffered() *status.Problem { return s.auto.Offered() }

// autostartCommand is what the entry starts: the running program (so the
// entry follows an update installed elsewhere or a moved portable copy),
// minimised to the tray, and this config folder unless it is the default
// one — the session starts it without MAILOAUTH_CONFIG_DIR or the flag.
func (s *Service) autostartCommand() ([]string, *status.Problem) {
	exe, err := s.executable()
	if err == nil && !filepath.IsAbs(exe) {
		exe, err = filepath.Abs(exe)
	}
	if err != nil {
		return nil, status.New(status.Yellow, "autostart.exe").WithDetail(err.Error()).Wrap(err)
	}
	cmd := []string{exe, "--minimized"}
	if def, err := account.DefaultConfigDir(); err != nil || !samePath(def, s.dir) {
		cmd = append(cmd, "--config-dir", s.dir)
	}
	return cmd, nil
}

// autostartDir is the config folder a registered command starts ("" when
// it cannot tell).
func autostartDir(cmd []string) string {
	dir := ""
	for i := 1; i < len(cmd); i++ {
		a := strings.TrimLeft(cmd[i], "-")
		if v, ok := strings.CutPrefix(a, "config-dir="); ok && cmd[i] != a {
			dir = v
		} else if a == "config-dir" && cmd[i] != a && i+1 < len(cmd) {
			i++
			dir = cmd[i]
		}
	}
	if dir == "" {
		dir, _ = account.DefaultConfigDir()
	}
	return dir
}

// ours: the registered command starts this config folder. Another
// folder's entry (a test configuration, a second copy) is never removed
// or taken over unasked.
func (s *Service) ours(cmd []string) bool { return len(cmd) > 0 && samePath(autostartDir(cmd), s.dir) }

func samePath(a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if runtime.GOOS == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// setAutostart writes (on) or removes this folder's entry.
func (s *Service) setAutostart(on bool) *status.Problem {
	if !on {
		cmd, _, p := s.auto.Enabled()
		if p != nil {
			return p
		}
		if !s.ours(cmd) {
			return nil
		}
		return s.auto.Disable()
	}
	if p := s.auto.Offered(); p != nil {
		return p
	}
	cmd, p := s.autostartCommand()
	if p != nil {
		return p
	}
	return s.auto.Enable(cmd[0], cmd[1:])
}

// FollowAutostart brings the entry in line with the setting when the
// window starts. The entry is the truth: switched off outside mailoauth
// (Task Manager) or taken over by another config folder, the setting goes
// off (the latter with a yellow note); still ours but for another program
// path (an update installed elsewhere), it is written anew.
func (s *Service) FollowAutostart() *status.Problem {
	set, p := s.Settings()
	if p != nil || !set.StartWithWindows {
		return nil
	}
	cmd, on, p := s.auto.Enabled()
	if p != nil {
		return p
	}
	if !on || !s.ours(cmd) {
		if p := s.settings.Update(func(x *Settings) { x.StartWithWindows = false }); p != nil {
			return p
		}
		if on {
			return status.New(status.Yellow, "autostart.other_folder", "dir", autostartDir(cmd))
		}
		return nil
	}
	want, p := s.autostartCommand()
	if p != nil {
		return p
	}
	if slices.Equal(cmd, want) {
		return nil
	}
	s.log.Printf("autostart: follows the program to %s", want[0])
	return s.auto.Enable(want[0], want[1:])
}

func defaultExecutable() (string, error) { return os.Executable() }
