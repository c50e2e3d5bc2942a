package ui

import (
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"mailoauth/core/app"
	"mailoauth/core/status"
)

// watching is what the window controls of the background schedule
// (*app.Watcher).
type watching interface {
	Pause()
	Resume()
	CheckAllNow()
	Paused() bool
	SetEvery(time.Duration)
}

// tray is the notification-area icon and the desktop notifications: the
// icon shows the worst unmuted light; an account getting worse notifies
// once per change, a muted one never.
type tray struct {
	u       *Accounts
	desk    Desktop
	watcher watching
	notify  bool // the setting
	open    func()
	quit    func()

	mu    sync.Mutex
	light status.Level
	shown bool
	menu  *fyne.Menu
	pause *fyne.MenuItem
}

func newTray(u *Accounts, desk Desktop, open, quit func()) *tray {
	t := &tray{u: u, desk: desk, notify: true, open: open, quit: quit, light: status.Grey}
	t.pause = fyne.NewMenuItem(u.t("window.tray_pause"), t.togglePause)
	q := fyne.NewMenuItem(u.t("window.tray_quit"), quit)
	q.IsQuit = true
	t.menu = fyne.NewMenu("mailoauth",
		fyne.NewMenuItem(u.t("window.tray_open"), open),
		fyne.NewMenuItem(u.t("window.tray_check_all"), t.checkAllNow),
		t.pause, fyne.NewMenuItemSeparator(), q)
	return t
}

// setLight shows the worst unmuted light in the icon, only when it
// changed: the system redraws the icon each time.
func (t *tray) setLight(l status.Level) {
	t.mu.Lock()
	same := t.shown && t.light == l
	t.light, t.shown = l, true
	t.mu.Unlock()
	if !same {
		t.desk.SetTray(l, t.menu)
	}
}

// changed is told every changed light; one that got worse notifies (the
// results store reports a change once, to whoever records it), a muted
// account never.
func (t *tray) changed(c app.Change) {
	if !c.Notify() || !t.notify {
		return
	}
	line := levelWord(t.u.lang, c.New)
	if c.Problem != nil {
		line = status.FirstLine(c.Problem.Status().Message(t.u.lang))
		if c.Problem.Protocol != "" {
			line = strings.ToUpper(c.Problem.Protocol) + ": " + line
		}
	}
	t.desk.Notify(t.u.t("window.notify_title", "name", c.Account, "light", levelWord(t.u.lang, c.New)), line)
}

func (t *tray) checkAllNow() {
	if t.watcher != nil {
		t.watcher.CheckAllNow()
		return
	}
	t.u.check(nil)
}

func (t *tray) togglePause() {
	if t.watcher == nil {
		return
	}
	if t.watcher.Paused() {
		t.watcher.Resume()
		t.pause.Label = t.u.t("window.tray_pause")
	} else {
		t.watcher.Pause()
		t.pause.Label = t.u.t("window.tray_resume")
	}
	t.menu.Refresh()
}
