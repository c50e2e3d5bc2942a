package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/sandbox/mailserver"
)

// TestEveryCheckNotifiesOncePerWorsening: against the sandbox with the real
// service and results store, a light that gets worse notifies exactly once
// whichever path checked it — Check all, F5, the watcher — and a second
// path recording the same light afterwards says nothing more; a muted
// account never notifies.
func TestEveryCheckNotifiesOncePerWorsening(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{}, i18n.EN, nil)
	in := app.Input{Name: "m", Login: "anna@contoso.example", Tenant: sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/",
		ClientID: identity.PublicClientID, IMAP: sb.Mail.IMAPAddr(), POP3: "off", SMTP: "off"}
	if _, probs := svc.Add(context.Background(), in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if _, p := svc.Authorize(context.Background(), "m", app.AuthorizeOptions{}); p != nil {
		t.Fatal(p)
	}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(svc, i18n.EN, w)
	w.SetContent(u.Object)
	desk := &fakeDesktop{tray: true}
	set := app.DefaultSettings()
	set.EveryMinutes = 0 // the watcher runs only when told to
	lv := newLiving(u, fyne.CurrentApp(), w, desk, set)
	lv.startWatching(svc)
	t.Cleanup(lv.stop)

	checkAll := findButton(u.Object, "Check all")
	manual := func() {
		t.Helper()
		test.Tap(checkAll)
		waitOrFail(t, &u.running, 20*time.Second, "the check")
	}
	f5 := func() {
		t.Helper()
		u.list.Select(0)
		u.listKey(&fyne.KeyEvent{Name: fyne.KeyF5})
		waitOrFail(t, &u.running, 20*time.Second, "the check")
	}
	watched := func() {
		t.Helper()
		u.doMu.Lock()
		before := lv.runs
		u.doMu.Unlock()
		wt := lv.tray.watcher.(*app.Watcher)
		// The previous run's results reach the window before the watcher
		// marks that run ended; a CheckNow in between finds "m" still
		// running and is skipped (never two runs of one account).
		for deadline := time.Now().Add(20 * time.Second); len(wt.Running()) > 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the watcher's previous run did not end")
			}
		}
		wt.CheckNow("m")
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			u.doMu.Lock()
			done := lv.runs > before
			u.doMu.Unlock()
			if done {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the watcher's run did not end")
			}
		}
	}
	notes := func(want int, when string) {
		t.Helper()
		desk.mu.Lock()
		defer desk.mu.Unlock()
		if len(desk.notes) != want {
			t.Fatalf("%s: %d notifications, want %d: %q", when, len(desk.notes), want, desk.notes)
		}
		for _, n := range desk.notes {
			if !strings.HasPrefix(n, "m is red | IMAP: ") {
				t.Errorf("%s: notification %q", when, n)
			}
		}
	}
	worse := func() { sb.Mail.SetFault("imap", mailserver.FaultAuthFailed) }
	better := func() { sb.Mail.ClearFaults() }

	manual()
	notes(0, "first light (green)")
	worse()
	manual() // Check all: green → red
	notes(1, "Check all, green → red")
	watched()
	f5()
	notes(1, "the watcher and F5 after it, still red")

	better()
	manual()
	worse()
	watched() // the watcher sees it first …
	manual()  // … Check all afterwards finds nothing new
	notes(2, "watcher, green → red, then Check all")

	better()
	watched()
	worse()
	f5() // F5 first, the watcher afterwards
	watched()
	notes(3, "F5, green → red, then the watcher")

	if p := svc.SetMuted("m", true); p != nil {
		t.Fatal(p)
	}
	u.Reload()
	better()
	manual()
	worse()
	manual()
	better()
	watched()
	worse()
	watched()
	notes(3, "muted")
}
