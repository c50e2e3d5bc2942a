//go:build linux || freebsd || openbsd || netbsd

package autostart

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// desktopFile is $XDG_CONFIG_HOME/autostart/mailoauth.desktop, the place
// the XDG Autostart Specification gives a user's own entries (GNOME, KDE,
// Xfce and the others read it at sign-in). The specification ignores a
// relative XDG_CONFIG_HOME; so does this.
func desktopFile() (string, *status.Problem) {
	base := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", status.New(status.Yellow, "autostart.write", "where", "~/.config/autostart").WithDetail(err.Error()).Wrap(err)
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "autostart", Name+".desktop"), nil
}

func enable(exe string, args []string) *status.Problem {
	path, p := desktopFile()
	if p != nil {
		return p
	}
	var b strings.Builder
	b.WriteString("[Desktop Entry]\nType=Application\nVersion=1.5\nName=mailoauth\n")
	b.WriteString("Comment=" + escapeString(i18n.T(i18n.EN, "autostart.comment", nil)) + "\n")
	b.WriteString("Comment[de]=" + escapeString(i18n.T(i18n.DE, "autostart.comment", nil)) + "\n")
	b.WriteString("Exec=" + execLine(append([]string{exe}, args...)) + "\n")
	b.WriteString("Terminal=false\nX-GNOME-Autostart-enabled=true\n")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return writeProblem(path, err)
	}
	if err := account.WriteFileAtomic(path, []byte(b.String())); err != nil {
		return writeProblem(path, err)
	}
	return nil
}

func writeProblem(path string, err error) *status.Problem {
	return status.New(status.Yellow, "autostart.write", "where", path).WithDetail(err.Error()).Wrap(err)
}

func disable() *status.Problem {
	path, p := desktopFile()
	if p != nil {
		return p
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return status.New(status.Yellow, "autostart.remove", "where", path).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

func enabled() ([]string, bool, *status.Problem) {
	path, p := desktopFile()
	if p != nil {
		return nil, false, p
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, status.New(status.Yellow, "autostart.read", "where", path).WithDetail(err.Error()).Wrap(err)
	}
	defer f.Close()
	var cmd []string
	on, group := true, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			group = line
			continue
		}
		if group != "[Desktop Entry]" {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		switch strings.TrimSpace(k) {
		case "Exec":
			cmd = parseExecLine(strings.TrimSpace(v))
		case "Hidden":
			// The specification's way for a user (or a desktop's settings)
			// to switch an autostart entry off without deleting it.
			on = on && strings.TrimSpace(v) != "true"
		case "X-GNOME-Autostart-enabled":
			on = on && strings.TrimSpace(v) != "false"
		}
	}
	return cmd, on && len(cmd) > 0, nil
}

func offered() *status.Problem { return nil }
