package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
)

// TestSettingsKeepAnIntervalNotOffered: an interval the dialog does not
// list (10 minutes, written by hand) shows as itself and survives saving
// another setting — shown as "off", a save switched watching off.
func TestSettingsKeepAnIntervalNotOffered(t *testing.T) {
	f := threeAccounts()
	set := app.DefaultSettings()
	set.EveryMinutes = 10
	f.settings = &set
	u, w := newTestWindow(t, f, i18n.EN)
	u.showSettings()
	ov := w.Canvas().Overlays().Top()
	every, ok := findIn(ov, func(s *widget.Select) bool { return len(s.Options) > 0 && s.Options[0] == u.t("window.every_off") })
	if !ok || every.Selected != "Every 10 minutes" {
		t.Fatalf("interval shown as %q", every.Selected)
	}
	notify, _ := findIn(ov, func(c *widget.Check) bool { return c.Text == u.t("window.set_notify") })
	notify.SetChecked(false)
	save, _ := findIn(ov, func(b *widget.Button) bool { return b.Text == "Save" })
	test.Tap(save)
	u.running.Wait()
	if s, _ := f.Settings(); s.EveryMinutes != 10 || s.Notifications {
		t.Errorf("saved: every %d, notifications %v", s.EveryMinutes, s.Notifications)
	}
}
