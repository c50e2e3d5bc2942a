package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"mailoauth/core/i18n"
)

// confirm asks a yes/no question in the window's language. Fyne's own
// ShowConfirm labels its buttons in the system's language (on Windows
// the display language, under Wine English), so a German window showed
// "Yes"/"No" — or an English one "Ja"/"Nein" on a German Windows. The
// texts go in after Show: set before, their refresh lays the dialog out
// while it has no width yet, and it stays that tall (an empty band above
// the buttons). Both happen before the next frame is drawn.
func confirm(lang i18n.Lang, title, message string, fn func(bool), w fyne.Window) {
	d := dialog.NewConfirm(title, message, fn, w)
	d.Show()
	d.SetConfirmText(tr(lang, "dialog.yes"))
	d.SetDismissText(tr(lang, "dialog.no"))
}
