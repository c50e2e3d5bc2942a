package app

import (
	"mailoauth/core/settings"
	"mailoauth/core/status"
)

// Settings are the program's own settings (the config folder's
// settings.json): EveryMinutes (watching interval, 0 off; Every() as a
// duration), Tray, Notifications, StartWithWindows, Language ("de", "en",
// "" the system's — --lang wins), Window (size and position).
type Settings = settings.Settings

// WindowGeometry is the window's last size and position.
type WindowGeometry = settings.Window

// DefaultSettings are the settings of a fresh installation.
func DefaultSettings() Settings { return settings.Defaults() }

// Settings loads the settings; a missing or damaged file gives the
// defaults (damaged: with a yellow problem to show once).
func (s *Service) Settings() (Settings, *status.Problem) { return s.settings.Load() }

// UpdateSettings changes some settings and keeps the others as they are in
// the file, e.g. UpdateSettings(func(x *Settings) { x.Window = g }).
func (s *Service) UpdateSettings(fn func(*Settings)) *status.Problem { return s.settings.Update(fn) }
