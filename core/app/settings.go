package app

import (
	"mailoauth/core/account"
	"mailoauth/core/i18n"
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
// Changing StartWithWindows writes or removes the start at sign-in; when
// that fails the setting keeps its old value (it never says "on" without
// the entry) and the problem is returned, the other settings saved.
func (s *Service) UpdateSettings(fn func(*Settings)) *status.Problem {
	var ap *status.Problem
	changed, now := false, false
	p := s.settings.Update(func(x *Settings) {
		was := x.StartWithWindows
		fn(x)
		if x.StartWithWindows == was {
			return
		}
		if ap = s.setAutostart(x.StartWithWindows); ap != nil {
			x.StartWithWindows = was
			return
		}
		changed, now = true, x.StartWithWindows
	})
	if p != nil {
		if changed {
			// The file still says the old value: so does the system.
			s.LogProblem(s.setAutostart(!now))
		}
		return p
	}
	s.LogProblem(ap)
	return ap
}

// Language is the one rule for the language a run speaks, the command
// line's and the window's alike: --lang (given: it is on the command line)
// wins, then the language saved in the settings of the config folder
// configDir (the --config-dir flag; "" = MAILOAUTH_CONFIG_DIR or the
// user's folder, as Open resolves it), then the system's locale. A --lang
// that is neither de nor en is a usage problem; the language returned with
// it is the one the run speaks without the flag, so the problem is told in
// the language the user otherwise reads.
func Language(flag string, given bool, configDir string) (i18n.Lang, *status.Problem) {
	if given {
		if l, ok := i18n.Parse(flag); ok {
			return l, nil
		}
	}
	lang := savedLanguage(configDir)
	if given {
		return lang, status.New(status.Red, "lang.invalid", "value", flag)
	}
	return lang, nil
}

// savedLanguage is the language chosen in the settings of the config
// folder, else the system's. A folder that cannot be read (or a damaged
// settings file) has none: the message about it comes later, from the
// command that needs the folder.
func savedLanguage(configDir string) i18n.Lang {
	if dir, err := account.ConfigDir(configDir); err == nil {
		if set, p := settings.Open(dir).Load(); p == nil {
			if l, ok := i18n.Parse(set.Language); ok {
				return l
			}
		}
	}
	return i18n.Detect()
}
