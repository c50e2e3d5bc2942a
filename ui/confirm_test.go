package ui

import (
	"testing"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/i18n"
)

// TestConfirmSpeaksTheWindowsLanguage: a German window asks "Ja"/"Nein"
// whatever the system's language (Fyne's own ShowConfirm said "Yes"/"No"
// in the test driver and under Wine), and "Ja" goes ahead.
func TestConfirmSpeaksTheWindowsLanguage(t *testing.T) {
	f := threeAccounts()
	u, w := newTestWindow(t, f, i18n.DE)
	u.removeAll()
	ov := w.Canvas().Overlays().Top()
	if findButton(ov, "Nein") == nil || findButton(ov, "Ja") == nil {
		t.Fatalf("Remove all data does not ask Ja/Nein: %v", ov)
	}
	// As tall as Fyne's own dialog with the same text: no empty band.
	got := ov.(*widget.PopUp).Content.Size().Height
	ov.Hide()
	w.Canvas().Overlays().Remove(ov)
	dialog.ShowConfirm(tr(i18n.DE, "ui.remove_all"), tr(i18n.DE, "ui.remove_all_confirm"), nil, w)
	if want := w.Canvas().Overlays().Top().(*widget.PopUp).Content.Size().Height; got > want+1 {
		t.Errorf("the dialog is %.0f high, Fyne's own %.0f", got, want)
	}
	w.Canvas().Overlays().Top().Hide()
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
	u.remove("konto-1")
	ov = w.Canvas().Overlays().Top()
	if findButton(ov, "Yes") != nil || findButton(ov, "Ja") == nil {
		t.Fatal("Remove asks in English in a German window")
	}
}
