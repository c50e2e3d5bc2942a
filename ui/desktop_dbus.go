//go:build linux || freebsd || openbsd || netbsd

package ui

import "github.com/godbus/dbus/v5"

// trayAvailableDBus asks the session bus for a StatusNotifier watcher,
// which is what Fyne's tray icon registers with; without one (a plain
// X session, many GNOME setups) an icon would never be seen.
func trayAvailableDBus() bool {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}
