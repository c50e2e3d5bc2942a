package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/results"
	"mailoauth/core/status"
)

// fakeDesktop records the tray icon's lights and the notifications.
type fakeDesktop struct {
	mu      sync.Mutex
	tray    bool
	lights  []status.Level
	notes   []string
	menu    *fyne.Menu
	refuses bool // notifications cannot be shown (blocked PowerShell)
}

func (d *fakeDesktop) HasTray() bool { return d.tray }
func (d *fakeDesktop) SetTray(l status.Level, m *fyne.Menu) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lights = append(d.lights, l)
	d.menu = m
}
func (d *fakeDesktop) Notify(title, body string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.refuses {
		return // what the real one does when the system refuses: nothing
	}
	d.notes = append(d.notes, title+" | "+body)
}

// fakeWatcher is a schedule that only records what it was told.
type fakeWatcher struct {
	paused, allNow bool
	every          time.Duration
}

func (w *fakeWatcher) Pause()                   { w.paused = true }
func (w *fakeWatcher) Resume()                  { w.paused = false }
func (w *fakeWatcher) CheckAllNow()             { w.allNow = true }
func (w *fakeWatcher) Paused() bool             { return w.paused }
func (w *fakeWatcher) SetEvery(d time.Duration) { w.every = d }

// TestNotifiesOncePerWorsening: the changes the results store reports for
// a run of results — a worsening light notifies exactly once; an unchanged
// light, a better one and a muted account never.
func TestNotifiesOncePerWorsening(t *testing.T) {
	f := threeAccounts()
	u, w := newTestWindow(t, f, i18n.EN)
	desk := &fakeDesktop{tray: true}
	lv := newLiving(u, fyne.CurrentApp(), w, desk, app.DefaultSettings())
	store := results.Open(t.TempDir())
	run := func(name string, l status.Level, muted bool) {
		var p *status.Problem
		if l != status.Green {
			p = status.New(l, "mailcheck.smtp.auth_disabled_mailbox", "mailbox", "buchhaltung@contoso.com")
		}
		changes, sp := store.Record([]status.Result{{Account: name, Protocol: "smtp", Level: l, Problem: p}})
		if sp != nil {
			t.Fatal(sp)
		}
		for _, c := range changes {
			c.Muted = muted // as the watcher marks them
			lv.tray.changed(c)
		}
	}
	run("konto-2", status.Green, false) // first light: nothing to say
	run("konto-2", status.Red, false)   // worse: once
	run("konto-2", status.Red, false)   // unchanged
	run("konto-2", status.Red, false)
	run("konto-2", status.Green, false) // better
	run("konto-1", status.Green, true)
	run("konto-1", status.Red, true) // muted
	if len(desk.notes) != 1 || desk.notes[0] != `konto-2 is red | SMTP: SMTP AUTH is switched off for the mailbox buchhaltung@contoso.com (535 5.7.139).` {
		t.Fatalf("notifications: %q", desk.notes)
	}
	// Notifications off in the settings: none.
	lv.tray.notify = false
	run("konto-2", status.Red, false)
	if len(desk.notes) != 1 {
		t.Errorf("notified with notifications off: %q", desk.notes)
	}
}

// TestTrayIconShowsWorstUnmuted: the icon follows the worst light of the
// unmuted accounts, drawn again only when it changes.
func TestTrayIconShowsWorstUnmuted(t *testing.T) {
	f := threeAccounts()
	u, w := newTestWindow(t, f, i18n.EN)
	desk := &fakeDesktop{tray: true}
	newLiving(u, fyne.CurrentApp(), w, desk, app.DefaultSettings())
	if len(desk.lights) != 1 || desk.lights[0] != status.Red {
		t.Fatalf("icon lights %v, want [red]", desk.lights)
	}
	u.refilter()
	if len(desk.lights) != 1 {
		t.Errorf("icon redrawn without a change: %v", desk.lights)
	}
	_ = f.SetMuted("konto-2", true)
	u.Reload()
	if desk.lights[len(desk.lights)-1] != status.Green {
		t.Errorf("icon %v after muting the red account (the yellow one is muted)", desk.lights)
	}
	if desk.menu == nil || len(desk.menu.Items) != 5 {
		t.Fatalf("tray menu %+v", desk.menu)
	}
}

// TestTrayMenuAndClosing: the menu checks all now and pauses watching;
// closing the window while watching keeps it in the tray and says so once;
// without a tray closing quits.
func TestTrayMenuAndClosing(t *testing.T) {
	f := threeAccounts()
	u, w := newTestWindow(t, f, i18n.EN)
	desk := &fakeDesktop{tray: true}
	lv := newLiving(u, fyne.CurrentApp(), w, desk, app.DefaultSettings())
	fw := &fakeWatcher{}
	lv.tray.watcher = fw
	byLabel := func(l string) *fyne.MenuItem {
		for _, it := range desk.menu.Items {
			if it.Label == l {
				return it
			}
		}
		t.Fatalf("no %q in the tray menu", l)
		return nil
	}
	byLabel("Check all now").Action()
	byLabel("Pause watching").Action()
	if !fw.allNow || !fw.paused || byLabel("Resume watching") == nil {
		t.Fatalf("menu: check all %v paused %v", fw.allNow, fw.paused)
	}
	byLabel("Resume watching").Action()
	w.Show()
	lv.closeWindow()
	u.running.Wait()
	if u.ctx.Err() != nil {
		t.Fatal("closing while watching quit")
	}
	// The hint is said in the window (a desktop notification may be
	// blocked), once.
	hint := w.Canvas().Overlays().Top()
	if _, ok := findIn(hint, func(l *widget.Label) bool { return strings.Contains(l.Text, "notification area") }); !ok {
		t.Fatal("closing while watching did not say it stays in the notification area")
	}
	test.Tap(findButton(hint, "OK"))
	w.Show()
	lv.closeWindow()
	u.running.Wait()
	if w.Canvas().Overlays().Top() != nil || len(desk.notes) != 0 || u.ctx.Err() != nil {
		t.Errorf("the second close: hint again %v, notifications %q", w.Canvas().Overlays().Top() != nil, desk.notes)
	}
	if s, _ := f.Settings(); !s.TrayHintShown || s.Window.Width == 0 {
		t.Errorf("settings after closing: %+v", s)
	}

	// No notification area: closing quits (and ends the window's work).
	u2, w2 := newTestWindow(t, threeAccounts(), i18n.EN)
	lv2 := newLiving(u2, test.NewTempApp(t), w2, &fakeDesktop{}, app.DefaultSettings())
	lv2.tray.watcher = &fakeWatcher{}
	lv2.closeWindow()
	if u2.ctx.Err() == nil {
		t.Error("closing without a tray did not quit")
	}
}

// TestBlockedNotificationsFailNothing: a system that refuses notifications
// leaves the icon and the window showing the change.
func TestBlockedNotificationsFailNothing(t *testing.T) {
	f := threeAccounts()
	u, w := newTestWindow(t, f, i18n.EN)
	desk := &fakeDesktop{tray: true, refuses: true}
	lv := newLiving(u, fyne.CurrentApp(), w, desk, app.DefaultSettings())
	u.show(status.Result{Account: "konto-10", Protocol: "imap", Level: status.Red, At: fixed, Problem: status.New(status.Red, "mailcheck.imap.auth_failed")})
	lv.tray.changed(app.Change{Account: "konto-10", Old: status.Green, New: status.Red, Kind: app.ChangeWorse})
	if u.byName["konto-10"].level() != status.Red || desk.lights[len(desk.lights)-1] != status.Red {
		t.Error("the change is not shown")
	}
}
