package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// settingsWrites counts the window's writes of the settings file.
type settingsWrites struct {
	*fakeService
	writes int
}

func (s *settingsWrites) UpdateSettings(fn func(*app.Settings)) *status.Problem {
	s.writes++
	return s.fakeService.UpdateSettings(fn)
}

// TestRemoveAllLeavesNoSettingsBehind: after "Remove all data" quitting
// writes no settings file back (the window's size); once an account was
// added again it is remembered as before.
func TestRemoveAllLeavesNoSettingsBehind(t *testing.T) {
	f := &settingsWrites{fakeService: threeAccounts()}
	u, w := newTestWindow(t, f, i18n.EN)
	lv := newLiving(u, test.NewTempApp(t), w, &fakeDesktop{}, app.DefaultSettings())
	lv.tray.watcher = &fakeWatcher{}
	u.removeAll()
	test.Tap(findButton(w.Canvas().Overlays().Top(), "Yes"))
	u.running.Wait()
	if len(u.all) != 0 {
		t.Fatalf("%d accounts after Remove all data", len(u.all))
	}
	lv.closeWindow() // no tray: quits
	if f.writes != 0 {
		t.Errorf("quitting after Remove all data wrote the settings %d times", f.writes)
	}
	f.accounts = threeAccounts().accounts
	u.Reload()
	lv.saveSize()
	if f.writes != 1 {
		t.Errorf("with accounts again the size was written %d times, want 1", f.writes)
	}
}
