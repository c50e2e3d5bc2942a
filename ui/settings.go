package ui

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
)

// everyChoices are the intervals offered, in minutes; 0 is watching off.
var everyChoices = []int{0, 5, 15, 30, 60, 240}

// showSettings is the settings dialog: the watching interval, the
// notification-area icon, notifications, starting with Windows and the
// language, kept in the config folder's settings file.
func (u *Accounts) showSettings() {
	set, p := u.svc.Settings()
	if p != nil {
		u.status.SetText(p.Message(u.lang))
	}
	var names []string
	sel := 0
	for i, m := range everyChoices {
		if m == 0 {
			names = append(names, u.t("window.every_off"))
		} else {
			names = append(names, u.t("window.every_minutes", "minutes", strconv.Itoa(m)))
		}
		if m == set.EveryMinutes {
			sel = i
		}
	}
	every := widget.NewSelect(names, nil)
	every.SetSelectedIndex(sel)
	trayOn := widget.NewCheck(u.t("window.set_tray"), nil)
	trayOn.SetChecked(set.Tray)
	notify := widget.NewCheck(u.t("window.set_notify"), nil)
	notify.SetChecked(set.Notifications)
	autostart := widget.NewCheck(u.t("window.set_autostart"), nil)
	autostart.SetChecked(set.StartWithWindows)
	langs := []string{"", "de", "en"}
	lang := widget.NewSelect([]string{u.t("window.lang_system"), "Deutsch", "English"}, nil)
	lang.SetSelectedIndex(0)
	for i, l := range langs {
		if l == set.Language {
			lang.SetSelectedIndex(i)
		}
	}
	items := []*widget.FormItem{
		widget.NewFormItem(u.t("window.set_every"), every),
		widget.NewFormItem("", trayOn),
		widget.NewFormItem("", notify),
		widget.NewFormItem("", autostart),
		widget.NewFormItem(u.t("window.set_lang"), lang),
	}
	d := dialog.NewForm(u.t("window.settings_title"), u.t("ui.save"), u.t("ui.wiz.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		minutes := everyChoices[max(every.SelectedIndex(), 0)]
		chosen := langs[max(lang.SelectedIndex(), 0)]
		tr, nt, as := trayOn.Checked, notify.Checked, autostart.Checked
		u.background(func(context.Context) {
			p := u.svc.UpdateSettings(func(s *app.Settings) {
				s.EveryMinutes, s.Tray, s.Notifications, s.StartWithWindows, s.Language = minutes, tr, nt, as, chosen
			})
			u.do(func() {
				if p != nil {
					u.status.SetText(problemText(p, u.lang))
					return
				}
				u.status.SetText(u.t("window.settings_saved"))
				if u.onSettings != nil {
					u.onSettings()
				}
			})
		})
	}, u.win)
	d.Resize(fyne.NewSize(560, 360))
	d.Show()
}
