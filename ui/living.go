package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"mailoauth/core/app"
	"mailoauth/core/status"
)

// living is the program around the window: the watcher, the tray, what
// closing the window does, and remembering its size.
type living struct {
	u      *Accounts
	app    fyne.App
	win    fyne.Window
	desk   Desktop
	tray   *tray
	set    app.Settings
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	runs   int // watched runs shown, for the latency summary
	// placed: the window was shown and put at its saved place; shown: it
	// is on screen now (only then is its place worth keeping).
	placed, shown bool
}

func newLiving(u *Accounts, a fyne.App, w fyne.Window, desk Desktop, set app.Settings) *living {
	lv := &living{u: u, app: a, win: w, desk: desk, set: set, done: make(chan struct{})}
	lv.ctx, lv.cancel = context.WithCancel(context.Background())
	lv.tray = newTray(u, desk, lv.show, lv.quit)
	lv.tray.notify = set.Notifications
	if lv.trayOn() {
		u.onLight = lv.tray.setLight
		u.refilter()
	}
	u.onSettings = lv.reload
	u.onChange = lv.tray.changed
	w.SetCloseIntercept(lv.closeWindow)
	return lv
}

// trayOn: the setting asks for the icon and there is somewhere to put it.
func (lv *living) trayOn() bool { return lv.set.Tray && lv.desk.HasTray() }

// startWatching starts the schedule: a check of all at start, then every
// interval, each account at its own moment.
func (lv *living) startWatching(svc *app.Service) {
	u := lv.u
	w, p := svc.Watch(app.WatchOptions{
		Every: lv.set.Every(),
		OnResults: func(_ string, rs []status.Result) {
			for _, r := range rs {
				u.deliver(r)
			}
			u.do(func() {
				// A round of the schedule: one summary line per round of
				// all accounts' runs, not one per run.
				if lv.runs++; lv.runs%max(len(u.all), 1) == 0 {
					if sum := u.lat.take(); sum != "" {
						u.svc.Logf("window (watching): %s", sum)
					}
				}
			})
		},
		OnChange: u.changed,
		OnProblem: func(p *status.Problem) {
			u.do(func() { u.status.SetText(p.Message(u.lang)) })
		},
	})
	if p != nil {
		u.status.SetText(p.Message(u.lang))
		close(lv.done)
		return
	}
	lv.tray.watcher = w
	go func() {
		defer close(lv.done)
		w.Run(lv.ctx)
	}()
}

// reload follows saved settings: interval, tray, notifications.
func (lv *living) reload() {
	set, p := lv.u.svc.Settings()
	if p != nil {
		return
	}
	old := lv.set
	lv.set = set
	lv.tray.notify = set.Notifications
	if lv.tray.watcher != nil && set.EveryMinutes != old.EveryMinutes {
		lv.tray.watcher.SetEvery(set.Every())
	}
	if lv.trayOn() {
		lv.u.onLight = lv.tray.setLight
		lv.u.refilter()
	}
}

// watching: the schedule runs (an interval is set and not paused).
func (lv *living) watching() bool {
	return lv.tray.watcher != nil && lv.set.EveryMinutes > 0 && !lv.tray.watcher.Paused()
}

// closeWindow: while watching with a notification area, closing keeps the
// program there (saying so once); without one, closing quits.
func (lv *living) closeWindow() {
	lv.saveSize()
	if !lv.trayOn() || !lv.watching() {
		lv.quit()
		return
	}
	if lv.set.TrayHintShown {
		lv.hide()
		return
	}
	// Said once, in the window itself, which then goes: a desktop
	// notification is what managed Windows machines block (Fyne's go through
	// PowerShell), and the program would vanish into the tray without a word.
	lv.set.TrayHintShown = true
	hint := dialog.NewInformation("mailoauth", lv.u.t("window.tray_hint"), lv.win)
	hint.SetOnClosed(lv.hide)
	hint.Show()
	if !lv.emptied() {
		lv.u.background(func(context.Context) {
			_ = lv.u.svc.UpdateSettings(func(s *app.Settings) { s.TrayHintShown = true })
		})
	}
}

// hide takes the window off the screen; the tray's Open brings it back.
func (lv *living) hide() {
	lv.win.Hide()
	lv.shown = false
}

// start shows the window, or for --minimized (the start at sign-in) only
// the tray icon and the watcher — when there is a tray to come back from
// and the watcher runs; never an invisible program with no way back. With
// no account there is nothing to watch: the window with the wizard.
func (lv *living) start(minimized bool) {
	u := lv.u
	if !minimized || !lv.trayOn() || !lv.watching() || len(u.all) == 0 {
		lv.show()
	}
	// The kept lights are on screen already; a fresh check of all runs
	// beside them (the watcher's first round, or one check when watching
	// is off).
	if len(u.all) == 0 {
		u.openWizard()
	} else if lv.set.EveryMinutes == 0 {
		u.check(nil)
	}
}

// show brings the window back (the tray's Open, a second start); the first
// time it also puts it where it was last (placeWindow refuses a place on
// no screen).
func (lv *living) show() {
	lv.win.Show()
	if !lv.placed {
		lv.placed = true
		if g := lv.set.Window; g.X != 0 || g.Y != 0 {
			placeWindow(lv.win, g.X, g.Y)
		}
	}
	lv.shown = true
	lv.win.RequestFocus()
}

// quit ends the program: the window's work, the watcher, the app.
func (lv *living) quit() {
	lv.saveSize()
	lv.u.Close()
	lv.cancel()
	lv.app.Quit()
}

// stop waits for the watcher after the app ended.
func (lv *living) stop() {
	lv.cancel()
	<-lv.done
}

// emptied: "Remove all data" emptied the config folder and nothing was
// added since — the window writes no settings file back (its size, the tray
// hint), so the folder stays empty as promised.
func (lv *living) emptied() bool { return lv.u.removedAll && len(lv.u.all) == 0 }

// saveSize remembers the window's size and, while it is on screen, its
// place (windowPos: Windows and X11; elsewhere the system places it).
func (lv *living) saveSize() {
	sz := lv.win.Canvas().Size()
	if sz.Width < 100 || sz.Height < 100 {
		return
	}
	if lv.emptied() {
		return
	}
	x, y, at := 0, 0, false
	if lv.shown {
		x, y, at = windowPos(lv.win)
	}
	_ = lv.u.svc.UpdateSettings(func(s *app.Settings) {
		s.Window.Width, s.Window.Height = sz.Width, sz.Height
		if at {
			s.Window.X, s.Window.Y = x, y
		}
	})
}
