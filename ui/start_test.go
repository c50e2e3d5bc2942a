package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
)

// wizardWindows counts the open wizard windows.
func wizardWindows(u *Accounts) int {
	n := 0
	for _, w := range fyne.CurrentApp().Driver().AllWindows() {
		if w.Title() == u.t("ui.wiz.window") {
			n++
		}
	}
	return n
}

// TestNoAccountOpensTheWizard: with no account at all the start opens the
// wizard beside the window; with accounts it does not.
func TestNoAccountOpensTheWizard(t *testing.T) {
	for _, c := range []struct {
		name string
		f    *fakeService
		want int
	}{{"no account", &fakeService{}, 1}, {"three accounts", threeAccounts(), 0}} {
		t.Run(c.name, func(t *testing.T) {
			u, w := newTestWindow(t, c.f, i18n.EN)
			lv := newLiving(u, fyne.CurrentApp(), w, &fakeDesktop{}, app.DefaultSettings())
			lv.tray.watcher = &fakeWatcher{}
			lv.start(false)
			if got := wizardWindows(u); got != c.want {
				t.Errorf("%d wizard windows, want %d", got, c.want)
			}
			for _, win := range fyne.CurrentApp().Driver().AllWindows() {
				if win.Title() == u.t("ui.wiz.window") {
					win.Close()
				}
			}
		})
	}
}
