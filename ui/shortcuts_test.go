package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// press hands a key to the window as the desktop driver does: to the
// focused widget, or to the canvas when nothing has the focus.
func press(w fyne.Window, name fyne.KeyName) {
	e := &fyne.KeyEvent{Name: name}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(e)
		return
	}
	if on := w.Canvas().OnTypedKey(); on != nil {
		on(e)
	}
}

// pressShortcut hands a shortcut to the window as the desktop driver does
// (glfw's triggersShortcut): to the focused widget when it takes shortcuts,
// else to the canvas's shortcuts.
func pressShortcut(w fyne.Window, s fyne.Shortcut) {
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

var ctrlF = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}

// TestCtrlFFocusesSearch: Ctrl+F puts the focus into the search field,
// from the list and from nowhere, and what is typed then searches.
func TestCtrlFFocusesSearch(t *testing.T) {
	u, w := newTestWindow(t, threeAccounts(), i18n.EN)
	c := w.Canvas()
	pressShortcut(w, ctrlF)
	if c.Focused() != u.search {
		t.Fatalf("Ctrl+F with nothing focused: focus on %T", c.Focused())
	}
	c.Focus(u.list)
	pressShortcut(w, ctrlF)
	if c.Focused() != u.search {
		t.Fatalf("Ctrl+F from the list: focus on %T", c.Focused())
	}
	for _, r := range "konto-1" {
		c.Focused().TypedRune(r)
	}
	if got := shownNames(u); got != "konto-1 konto-10" {
		t.Errorf("typed after Ctrl+F: search %q shows %q", u.search.Text, got)
	}
}

// TestWindowKeysOutsideTheList: F5 and Delete work from the window when the
// list does not have the focus; in the search field Delete deletes text and
// removes nothing.
func TestWindowKeysOutsideTheList(t *testing.T) {
	f := threeAccounts()
	f.results = []status.Result{{Account: "konto-10", Protocol: "imap", Level: status.Green, At: fixed}}
	u, w := newTestWindow(t, f, i18n.EN)
	// Nothing selected: the keys do nothing.
	press(w, fyne.KeyF5)
	press(w, fyne.KeyDelete)
	u.running.Wait()
	if w.Canvas().Overlays().Top() != nil || len(u.byName["konto-10"].live) != 0 {
		t.Fatal("F5 or Delete acted without a selection")
	}
	u.list.Select(u.index("konto-10"))
	w.Canvas().Unfocus()
	press(w, fyne.KeyF5)
	u.running.Wait()
	if _, ok := u.byName["konto-10"].live["imap"]; !ok {
		t.Error("F5 from the window did not check the selection")
	}
	w.Canvas().Focus(u.search)
	u.search.SetText("konto")
	u.search.CursorColumn = 0
	press(w, fyne.KeyDelete)
	if u.search.Text != "onto" || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("Delete in the search field: text %q, dialog %v", u.search.Text, w.Canvas().Overlays().Top())
	}
	w.Canvas().Unfocus()
	press(w, fyne.KeyDelete)
	if findButton(w.Canvas().Overlays().Top(), "Yes") == nil || len(f.removed) != 0 {
		t.Fatalf("Delete from the window: dialog %v, removed %v", w.Canvas().Overlays().Top(), f.removed)
	}
}
