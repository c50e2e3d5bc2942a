package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailoauth/core/account"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

// TestWizardCreatesTheAppRegistration: on the tenant step an administrator
// signs in, the registration is made through Graph, its tenant and client
// ID fill the fields, and the new app then signs the mailbox in to three
// green lights. A second run finds it instead of making another.
func TestWizardCreatesTheAppRegistration(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{AutoConsent: true}, i18n.EN, nil)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	test.Type(z.name, "neu")
	z.tenant.SetText(sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/")
	z.clientID.SetText("")
	z.regAdmin.SetText("admin@contoso.example")
	test.Tap(z.regBtn)
	z.running.Wait()
	if !strings.Contains(z.regStatus.Text, "created") || z.clientID.Text == "" {
		t.Fatalf("register: %q, client ID %q", z.regStatus.Text, z.clientID.Text)
	}
	if want := sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/"; z.tenant.Text != want {
		t.Errorf("tenant %q, want %q", z.tenant.Text, want)
	}
	if n := sb.Graph.AppCount("mailoauth"); n != 1 {
		t.Fatalf("%d registrations", n)
	}
	test.Tap(z.regBtn)
	z.running.Wait()
	if !strings.Contains(z.regStatus.Text, "found") || sb.Graph.AppCount("mailoauth") != 1 {
		t.Fatalf("rerun: %q, %d registrations", z.regStatus.Text, sb.Graph.AppCount("mailoauth"))
	}
	tapNext(z)
	z.login.SetText("anna@contoso.example")
	z.server[account.IMAP].SetText(sb.Mail.IMAPAddr())
	z.server[account.POP3].SetText(sb.Mail.POP3Addr())
	z.server[account.SMTP].SetText(sb.Mail.SMTPAddr())
	z.security[account.SMTP].SetSelectedIndex(2)
	tapNext(z)
	z.running.Wait()
	if z.step != 3 {
		t.Fatalf("step %d after the mailbox", z.step)
	}
	test.Tap(z.authBtn)
	z.running.Wait()
	if z.next.Disabled() {
		t.Fatalf("sign-in with the new app: %q", z.authStatus.Text)
	}
	tapNext(z)
	z.running.Wait()
	for _, p := range []string{"imap", "pop3", "smtp"} {
		if z.lights[p].Level != status.Green {
			t.Errorf("%s %s: %s", p, z.lights[p].Level, z.verifyInfo.Text)
		}
	}
}

// TestWizardRegistrationNeedsAnAdministrator: a user without the role gets
// the role message, and the fields stay as they were.
func TestWizardRegistrationNeedsAnAdministrator(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{AutoConsent: true}, i18n.EN, nil)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	z.tenant.SetText(sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/")
	z.regAdmin.SetText("anna@contoso.example")
	test.Tap(z.regBtn)
	z.running.Wait()
	if !strings.Contains(z.regStatus.Text, "Administrator") || z.clientID.Text != "" {
		t.Fatalf("non-admin: %q, client ID %q", z.regStatus.Text, z.clientID.Text)
	}
}

// TestWizardTakesACodeFromTheBrowser: while the sign-in waits, a code typed
// off Microsoft's error page ends it with our text for it.
func TestWizardTakesACodeFromTheBrowser(t *testing.T) {
	test.NewTempApp(t)
	browser, urls := loopbackRecorder()
	sb, svc := sandboxService(t, sandbox.Options{}, i18n.EN, browser)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	fillWizard(t, z, sb, "code", identity.PublicClientID, account.FlowBrowser, "anna@contoso.example")
	test.Tap(z.authBtn)
	// The browser was sent to the sign-in: the sign-in waits, the user
	// reads Microsoft's page.
	select {
	case <-urls:
	case <-time.After(10 * time.Second):
		t.Fatal("the sign-in never opened the browser")
	}
	// What the code field's Enter does (typing into the widget here would
	// race with the sign-in's own updates under the test driver).
	if z.codeEntry.OnSubmitted == nil {
		t.Fatal("the code field does nothing on Enter")
	}
	z.sendTypedCode("aadsts50011")
	waitOrFail(t, &z.running, 10*time.Second, "the sign-in after a typed code")
	if !strings.Contains(z.authStatus.Text, "50011") || !z.next.Disabled() {
		t.Fatalf("status after the typed code: %q", z.authStatus.Text)
	}
}

// While Entra replicates, the wizard and the App registration dialog say
// that they wait and for how long, in the user's language; a throttled
// step says its own text (with Graph's wait).
func TestProgressTextSaysItWaits(t *testing.T) {
	p := app.RegisterProgress{Step: "appreg.step.create_sp", Waiting: true, Elapsed: 4200 * time.Millisecond}
	if got := progressText(i18n.DE, p); !strings.Contains(got, "Entra verteilt die Änderung") || !strings.Contains(got, "4s") {
		t.Errorf("de: %q", got)
	}
	if got := progressText(i18n.EN, p); !strings.Contains(got, "still spreading") || !strings.Contains(got, "4s") {
		t.Errorf("en: %q", got)
	}
	th := app.RegisterProgress{Step: "appreg.step.throttled", Waiting: true, Args: map[string]string{"wait": "3s"}}
	if got := progressText(i18n.EN, th); strings.Contains(got, "spreading") || !strings.Contains(got, "3s") {
		t.Errorf("throttled: %q", got)
	}
}

// TestCreateBoxMakesRoomForItsStatus: the create box stands above the
// client ID, so when its status text shrinks or grows (here: an error
// instead of the longer hint) the fields below move with it and nothing
// overlaps.
func TestCreateBoxMakesRoomForItsStatus(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(720, 900))
	z := NewWizard(&fakeService{}, i18n.DE, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	test.Tap(z.regBtn)
	z.running.Wait()
	if z.regStatus.Text == z.t("ui.wiz.choice_register_hint") {
		t.Fatal("the status did not change")
	}
	// Top to bottom: status, administrator, client ID, each below the other.
	d := fyne.CurrentApp().Driver()
	top := func(o fyne.CanvasObject) float32 { return d.AbsolutePositionForObject(o).Y }
	if h, want := z.regStatus.Size().Height, z.regStatus.MinSize().Height; h != want {
		t.Errorf("status %.0f px high for text of %.0f px: the step was not laid out again", h, want)
	}
	if st, ad, id := top(z.regStatus)+z.regStatus.MinSize().Height, top(z.regAdmin), top(z.clientID); st > ad || ad+z.regAdmin.Size().Height > id {
		t.Errorf("overlap: status ends at %.0f, administrator at %.0f, client ID at %.0f", st, ad, id)
	}
}
