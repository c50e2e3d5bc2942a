// Package settings keeps the program's own settings — the watching
// interval, the notification-area icon, notifications, start with Windows,
// the language, the window's size and position — in one file in the config
// folder. Not in Fyne's preferences: those live elsewhere and ignore
// --config-dir, so a second configuration (a test, a portable copy) would
// share them, and "remove all data" could not find them.
package settings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/status"
)

// SchemaVersion is the version of settings.json this program writes. A
// newer file is read as far as it is understood: settings are forgiving.
const SchemaVersion = 1

const fileName = "settings.json"

// MaxEveryMinutes bounds the interval: a day.
const MaxEveryMinutes = 24 * 60

// Window is the window's last size and position (zero: let the system
// choose).
type Window struct {
	Width     float32 `json:"width,omitempty"`
	Height    float32 `json:"height,omitempty"`
	X         int     `json:"x,omitempty"`
	Y         int     `json:"y,omitempty"`
	Maximized bool    `json:"maximized,omitempty"`
}

// Settings are the program's settings.
type Settings struct {
	Schema int `json:"schema"`
	// EveryMinutes is the watching interval; 0 turns watching off.
	EveryMinutes int `json:"every_minutes"`
	// Tray shows the notification-area icon; closing the window then keeps
	// the program watching there.
	Tray bool `json:"tray"`
	// Notifications: a desktop notification when an account gets worse.
	Notifications bool `json:"notifications"`
	// StartWithWindows starts the program at sign-in, minimised to the tray.
	StartWithWindows bool `json:"start_with_windows"`
	// Language is "de", "en" or "" (the system's); --lang wins over it.
	Language string `json:"language,omitempty"`
	Window   Window `json:"window,omitzero"`
	// TrayHintShown: the window has said once that closing it keeps the
	// program watching in the notification area.
	TrayHintShown bool `json:"tray_hint_shown,omitempty"`
}

// Defaults are the settings of a fresh installation.
func Defaults() Settings {
	return Settings{Schema: SchemaVersion, EveryMinutes: 15, Tray: true, Notifications: true}
}

// Every is the watching interval (0: off).
func (s Settings) Every() time.Duration { return time.Duration(s.EveryMinutes) * time.Minute }

// normalize keeps values in range: a hand-edited file cannot make the
// program check every second or speak a language it does not have.
func (s *Settings) normalize() {
	s.Schema = SchemaVersion
	if s.EveryMinutes < 0 {
		s.EveryMinutes = 0
	}
	if s.EveryMinutes > MaxEveryMinutes {
		s.EveryMinutes = MaxEveryMinutes
	}
	if s.Language != "de" && s.Language != "en" {
		s.Language = ""
	}
	if s.Window.Width < 0 || s.Window.Height < 0 {
		s.Window = Window{}
	}
}

// Store is the settings file of one config folder.
type Store struct {
	dir   string
	locks *account.Store
}

// Open returns the settings of the config folder dir.
func Open(dir string) *Store { return &Store{dir: dir, locks: account.Open(dir)} }

func (s *Store) path() string { return filepath.Join(s.dir, fileName) }

const lockWait = 30 * time.Second

func (s *Store) lock() (func(), *status.Problem) {
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	return s.locks.LockFile(ctx, "settings")
}

// Load reads the settings; what the file lacks keeps its default. A missing
// file gives the defaults; a damaged one is moved aside (the defaults then,
// with a yellow problem).
func (s *Store) Load() (Settings, *status.Problem) { return s.read(false) }

func (s *Store) read(locked bool) (Settings, *status.Problem) {
	out := Defaults()
	data, err := os.ReadFile(s.path())
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return out, status.New(status.Yellow, "settings.read", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&out); err != nil {
		if !locked {
			release, p := s.lock()
			if p != nil {
				return Defaults(), p
			}
			defer release()
			return s.read(true)
		}
		aside, rerr := account.MoveAside(s.path())
		if rerr != nil {
			return Defaults(), status.New(status.Yellow, "settings.read", "path", s.path()).WithDetail(rerr.Error()).Wrap(rerr)
		}
		return Defaults(), status.New(status.Yellow, "settings.corrupt", "path", s.path(), "aside", aside).WithDetail(err.Error())
	}
	out.normalize()
	return out, nil
}

// Save replaces the settings.
func (s *Store) Save(set Settings) *status.Problem {
	return s.Update(func(cur *Settings) { *cur = set })
}

// Update changes the settings under the lock, so that the window saving
// its size and the settings dialog saving the interval keep each other's
// change.
func (s *Store) Update(fn func(*Settings)) *status.Problem {
	release, p := s.lock()
	if p != nil {
		return p
	}
	defer release()
	cur, _ := s.read(true)
	fn(&cur)
	cur.normalize()
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return status.New(status.Red, "settings.write", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	data, err := json.MarshalIndent(cur, "", "  ")
	if err != nil {
		return status.New(status.Red, "settings.write", "path", s.path()).Wrap(err)
	}
	if err := account.WriteFileAtomic(s.path(), append(data, '\n')); err != nil {
		return status.New(status.Red, "settings.write", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

// Remove deletes the settings file ("remove all data"); the next Load gives
// the defaults.
func (s *Store) Remove() *status.Problem {
	release, p := s.lock()
	if p != nil {
		return p
	}
	defer release()
	if err := os.Remove(s.path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return status.New(status.Red, "settings.write", "path", s.path()).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}
