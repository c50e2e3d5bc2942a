// Package autostart registers the program to start when the user signs in,
// once per user under the name "mailoauth": the current user's Run key on
// Windows, an XDG autostart desktop file on Linux and the BSDs. Elsewhere
// (macOS) it is not offered and says so. It only writes what it is told;
// which command line, and whether the entry belongs to this config folder,
// is the application service's decision.
package autostart

import (
	"mailoauth/core/status"
)

// Name is the entry's name: the Run value, the desktop file's base name.
const Name = "mailoauth"

// Enable registers exe with args to start at sign-in, replacing an entry of
// the same name. exe should be absolute: the session starts it from
// anywhere.
func Enable(exe string, args []string) *status.Problem { return enable(exe, args) }

// Disable removes the entry; having none is no problem.
func Disable() *status.Problem { return disable() }

// Enabled is the command line registered (the exe first). on is false when
// there is none or the user switched it off outside mailoauth (Task
// Manager's Startup tab, a desktop's "Hidden" flag); cmd is then what is
// still written, if anything.
func Enabled() (cmd []string, on bool, p *status.Problem) { return enabled() }

// Offered is nil where this system has an autostart the package writes,
// else the problem that says it is not offered here.
func Offered() *status.Problem { return offered() }
