package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

var fixed = time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)

func TestWizardStepGoldens(t *testing.T) {
	test.NewTempApp(t)
	f := &fakeService{results: []status.Result{
		{Account: "neu", Protocol: "imap", Level: status.Green, Duration: 12 * time.Millisecond},
		{Account: "neu", Protocol: "pop3", Level: status.Grey},
		{Account: "neu", Protocol: "smtp", Level: status.Red, Duration: 30 * time.Millisecond, Problem: status.New(status.Red, "mailcheck.smtp.auth_failed", "mailbox", "anna@contoso.com", "login", "anna@contoso.com")},
	}}
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(720, 620))
	z := NewWizard(f, i18n.DE, w, nil)
	w.SetContent(z.Object)
	step := func(n int) {
		test.AssertRendersToMarkup(t, fmt.Sprintf("wizard_step%d.xml", n), w.Canvas())
	}
	step(1)
	tapNext(z)
	z.name.SetText("neu")
	z.tenant.SetText("contoso.onmicrosoft.com")
	z.clientID.SetText("1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718")
	step(2)
	tapNext(z)
	z.login.SetText("anna@contoso.com")
	z.proto[account.POP3].SetChecked(false)
	step(3)
	tapNext(z)
	step(4)
	z.next.Enable() // as after a successful sign-in
	tapNext(z)
	z.running.Wait()
	step(5)
}
