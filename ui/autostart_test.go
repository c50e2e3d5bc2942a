package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// showCounter is the window, counting Show calls: the test driver's
// window has no visibility of its own to ask.
type showCounter struct {
	fyne.Window
	shows int
}

func (w *showCounter) Show() { w.shows++; w.Window.Show() }

// TestMinimizedStart: --minimized with a tray and watching shows no
// window (the tray's Open does); without a tray, with watching off or with
// no account it shows the window — never a program with no way back.
func TestMinimizedStart(t *testing.T) {
	for _, c := range []struct {
		name            string
		minimized, tray bool
		every           int
		accounts        bool
		shown           bool
	}{
		{"minimized with tray", true, true, 15, true, false},
		{"minimized without tray", true, false, 15, true, true},
		{"minimized, watching off", true, true, 0, true, true},
		{"minimized, no account", true, true, 15, false, true},
		{"not minimized", false, true, 15, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := threeAccounts()
			if !c.accounts {
				f = &fakeService{}
			}
			u, w := newTestWindow(t, f, i18n.EN)
			win := &showCounter{Window: w}
			set := app.DefaultSettings()
			set.EveryMinutes = c.every
			desk := &fakeDesktop{tray: c.tray}
			lv := newLiving(u, fyne.CurrentApp(), win, desk, set)
			lv.tray.watcher = &fakeWatcher{}
			lv.start(c.minimized)
			u.running.Wait() // the check of all when watching is off
			if shown := win.shows > 0; shown != c.shown {
				t.Fatalf("window shown %v, want %v", shown, c.shown)
			}
			if c.shown {
				return
			}
			if len(desk.lights) == 0 {
				t.Fatal("no tray icon while the window is hidden")
			}
			for _, it := range desk.menu.Items {
				if it.Label == "Open mailoauth" {
					it.Action()
				}
			}
			if win.shows != 1 {
				t.Fatalf("the tray's Open showed the window %d times", win.shows)
			}
		})
	}
}

// findIn is the first object of type T in o's tree that match accepts.
func findIn[T fyne.CanvasObject](o fyne.CanvasObject, match func(T) bool) (found T, ok bool) {
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if ok || o == nil {
			return
		}
		if x, is := o.(T); is && match(x) {
			found, ok = x, true
			return
		}
		if c, is := o.(*fyne.Container); is {
			for _, x := range c.Objects {
				walk(x)
			}
		}
		if w, is := o.(fyne.Widget); is {
			for _, x := range test.WidgetRenderer(w).Objects() {
				walk(x)
			}
		}
	}
	walk(o)
	return found, ok
}

// TestAutostartRefusedInDialog: a start at sign-in the system refuses
// brings the settings dialog back with the problem and its fix under an
// unchecked box; the other settings of the save are kept.
func TestAutostartRefusedInDialog(t *testing.T) {
	f := threeAccounts()
	f.autostartRefused = status.New(status.Yellow, "autostart.denied", "where", `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run`)
	u, w := newTestWindow(t, f, i18n.EN)
	u.showSettings()
	isAutostart := func(c *widget.Check) bool { return strings.Contains(c.Text, "minimised to the notification area") }
	box, ok := findIn(w.Canvas().Overlays().Top(), isAutostart)
	if !ok {
		t.Fatal("no start-at-sign-in checkbox")
	}
	notify, _ := findIn(w.Canvas().Overlays().Top(), func(c *widget.Check) bool { return c.Text == u.t("window.set_notify") })
	box.SetChecked(true)
	notify.SetChecked(false)
	save, _ := findIn(w.Canvas().Overlays().Top(), func(b *widget.Button) bool { return b.Text == "Save" })
	test.Tap(save)
	u.running.Wait()
	set, _ := f.Settings()
	if set.StartWithWindows || set.Notifications {
		t.Fatalf("saved: %+v", set)
	}
	ov := w.Canvas().Overlays().Top()
	if ov == nil {
		t.Fatal("the settings dialog did not come back")
	}
	note, ok := findIn(ov, func(l *widget.Label) bool { return strings.Contains(l.Text, "group policy") })
	if !ok || !strings.Contains(note.Text, "shell:startup") {
		t.Fatal("no problem with its fix in the dialog")
	}
	if box, _ := findIn(ov, isAutostart); box.Checked {
		t.Error("the box says on though the entry was refused")
	}
}
