package ui

import (
	"context"
	"runtime"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/status"
)

// everyChoices are the intervals offered, in minutes; 0 is watching off.
var everyChoices = []int{0, 5, 15, 30, 60, 240}

// showSettings is the settings dialog: the watching interval, the
// notification-area icon, notifications, starting with Windows and the
// language, kept in the config folder's settings file.
func (u *Accounts) showSettings() { u.showSettingsNote(nil) }

// showSettingsNote is the dialog with a problem of the start at sign-in
// under its checkbox: the one that kept the last save from switching it
// (the dialog comes back with it), or why this system has none.
func (u *Accounts) showSettingsNote(note *status.Problem) {
	set, p := u.svc.Settings()
	if p != nil {
		u.status.SetText(p.Message(u.lang))
	}
	// An interval the list does not offer (written by hand, or by another
	// version) is offered too: showing it as "off" would switch watching
	// off at the next save of any other setting.
	choices := everyChoices
	if !slices.Contains(choices, set.EveryMinutes) {
		choices = append(slices.Clone(choices), set.EveryMinutes)
		slices.Sort(choices)
	}
	var names []string
	sel := 0
	for i, m := range choices {
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
	label := u.t("autostart.set_label")
	if runtime.GOOS == "windows" {
		label = u.t("window.set_autostart")
	}
	autostart := widget.NewCheck(label, nil)
	autostart.SetChecked(set.StartWithWindows)
	if op := u.svc.AutostartOffered(); op != nil {
		autostart.Disable()
		if note == nil {
			note = op
		}
	}
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
	}
	if note != nil {
		text := widget.NewLabel(problemText(note, u.lang))
		text.Wrapping = fyne.TextWrapWord
		text.Importance = widget.WarningImportance
		items = append(items, widget.NewFormItem("", text))
	}
	items = append(items,
		widget.NewFormItem(u.t("window.set_lang"), lang),
	)
	// "Save", not ui.save ("Save to file", the settings card's button).
	d := dialog.NewForm(u.t("window.settings_title"), u.t("autostart.settings_save"), u.t("ui.wiz.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		minutes := choices[max(every.SelectedIndex(), 0)]
		chosen := langs[max(lang.SelectedIndex(), 0)]
		tr, nt, as := trayOn.Checked, notify.Checked, autostart.Checked
		u.background(func(context.Context) {
			p := u.svc.UpdateSettings(func(s *app.Settings) {
				s.EveryMinutes, s.Tray, s.Notifications, s.StartWithWindows, s.Language = minutes, tr, nt, as, chosen
			})
			saved, _ := u.svc.Settings()
			u.do(func() {
				if p != nil && saved.StartWithWindows != as {
					// Only the start at sign-in failed: the other settings
					// are saved and followed; the dialog comes back with
					// why, its checkbox as it really is.
					u.status.SetText(p.Message(u.lang))
					if u.onSettings != nil {
						u.onSettings()
					}
					u.showSettingsNote(p)
					return
				}
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
