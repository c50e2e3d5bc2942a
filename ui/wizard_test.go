package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
)

func TestWizardValidatesBeforeNext(t *testing.T) {
	test.NewTempApp(t)
	f := &fakeService{}
	w := test.NewTempWindow(t, nil)
	var done string
	z := NewWizard(f, i18n.DE, w, func(n string) { done = n })
	w.SetContent(z.Object)
	tapNext(z) // welcome → tenant and app
	if z.step != 1 {
		t.Fatalf("step %d", z.step)
	}
	test.Type(z.name, "info")
	test.Type(z.tenant, "https://login/microsoftonline.com/0b3c1a2d-4e5f-6789-abcd-ef0123456789/")
	test.Type(z.clientID, "anna@contoso.com")
	tapNext(z)
	if z.step != 1 {
		t.Fatal("Next was not blocked by a bad tenant")
	}
	if !z.errs["tenant"].Visible() || !strings.Contains(z.errs["tenant"].Text, "Meinten Sie https://login.microsoftonline.com/0b3c1a2d") {
		t.Errorf("tenant message: %q", z.errs["tenant"].Text)
	}
	if !strings.Contains(z.errs["client_id"].Text, "E-Mail-Adresse") {
		t.Errorf("client ID message: %q", z.errs["client_id"].Text)
	}
	z.tenant.SetText("contoso.onmicrosoft.com")
	z.clientID.SetText("1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718")
	tapNext(z)
	if z.step != 2 || z.errs["tenant"].Visible() {
		t.Fatalf("step %d after fixing the fields", z.step)
	}
	test.Type(z.login, "anna")
	tapNext(z)
	if z.step != 2 || !strings.Contains(z.errs["login"].Text, "@") {
		t.Fatalf("bad login accepted: %q", z.errs["login"].Text)
	}
	z.login.SetText("anna@contoso.com")
	z.proto["pop3"].SetChecked(false)
	tapNext(z)
	if z.step != 3 || len(f.accounts) != 1 || f.accounts[0].POP3.Enabled || f.accounts[0].IMAP.Host != "outlook.office365.com" {
		t.Fatalf("step %d, accounts %+v", z.step, f.accounts)
	}
	if z.next.Disabled() == false {
		t.Error("Next enabled before the sign-in")
	}
	_ = done
}

func TestEditKeepsNameAndUpdates(t *testing.T) {
	test.NewTempApp(t)
	a, _ := account.Input{Name: "info", Login: "info@contoso.com", Tenant: "contoso.onmicrosoft.com",
		ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718"}.Build()
	f := &fakeService{accounts: []account.Account{*a}}
	w := test.NewTempWindow(t, nil)
	z := NewEditWizard(f, i18n.EN, w, a, nil)
	w.SetContent(z.Object)
	if z.step != 1 || !z.name.Disabled() || z.tenant.Text != "https://login.microsoftonline.com/contoso.onmicrosoft.com/" {
		t.Fatalf("edit start: step %d, tenant %q", z.step, z.tenant.Text)
	}
	tapNext(z)
	z.proto[account.POP3].SetChecked(false)
	tapNext(z)
	if z.step != 3 || f.accounts[0].POP3.Enabled || len(f.accounts) != 1 {
		t.Fatalf("update: step %d %+v", z.step, f.accounts)
	}
	if z.next.Disabled() {
		t.Error("an edited account must not be forced to sign in again")
	}
}

// tapNext taps Next and waits for what it started off the UI thread (saving
// may ask the identity platform for the tenant).
func tapNext(z *Wizard) {
	test.Tap(z.next)
	z.running.Wait()
}

// TestWizardFollowsTheCloud: a GCC High tenant URL brings GCC High's
// servers into the untouched fields; a typed server stays.
func TestWizardFollowsTheCloud(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(&fakeService{}, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	z.name.SetText("gov")
	z.tenant.SetText("https://login.microsoftonline.us/0b3c1a2d-4e5f-4789-abcd-ef0123456789/")
	z.clientID.SetText("1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718")
	z.server[account.POP3].SetText("pop.example.us:995")
	tapNext(z)
	if z.step != 2 || z.server[account.IMAP].Text != "outlook.office365.us:993" || z.server[account.SMTP].Text != "smtp.office365.us:587" ||
		z.server[account.POP3].Text != "pop.example.us:995" {
		t.Errorf("step %d: %s %s %s", z.step, z.server[account.IMAP].Text, z.server[account.POP3].Text, z.server[account.SMTP].Text)
	}
}

// TestEditWritesIPv6InBrackets: editing an account with an IPv6 server
// puts "[::1]:1993" into the field, which reads back as the same server;
// "::1:1993" read as another host.
func TestEditWritesIPv6InBrackets(t *testing.T) {
	test.NewTempApp(t)
	a, probs := account.Input{Name: "v6", Login: "info@contoso.com", Tenant: "contoso.onmicrosoft.com",
		ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718", IMAP: "[::1]:1993"}.Build()
	if probs != nil {
		t.Fatal(probs)
	}
	w := test.NewTempWindow(t, nil)
	z := NewEditWizard(&fakeService{accounts: []account.Account{*a}}, i18n.EN, w, a, nil)
	if got := z.server[account.IMAP].Text; got != "[::1]:1993" {
		t.Errorf("IMAP field %q, want [::1]:1993", got)
	}
}

// TestWizardAsPeopleExpect: the step list marks the current step, Enter is
// Next, the first field has the focus, Back keeps the values, Cancel asks
// once something was typed.
func TestWizardAsPeopleExpect(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil) // Cancel closes it: no second close at cleanup
	z := NewWizard(&fakeService{}, i18n.EN, w, nil)
	w.SetContent(z.Object)
	if !z.steps[0].TextStyle.Bold || z.steps[1].TextStyle.Bold {
		t.Fatal("step list does not mark the welcome step")
	}
	// Nothing typed yet: Cancel closes without asking.
	// Enter anywhere in the window is Next.
	w.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	z.running.Wait()
	if z.step != 1 || !z.steps[1].TextStyle.Bold || z.steps[0].TextStyle.Bold {
		t.Fatalf("Enter: step %d", z.step)
	}
	if w.Canvas().Focused() != z.name {
		t.Error("the name field has no focus")
	}
	test.Type(z.name, "info")
	z.tenant.SetText("contoso.onmicrosoft.com")
	z.clientID.SetText("1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718")
	// Enter in a field is Next too.
	z.clientID.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	z.running.Wait()
	if z.step != 2 || w.Canvas().Focused() != z.login {
		t.Fatalf("Enter in a field: step %d, focus %v", z.step, w.Canvas().Focused())
	}
	test.Tap(z.back)
	if z.step != 1 || z.name.Text != "info" || z.clientID.Text != "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718" {
		t.Fatalf("Back lost the values: step %d name %q", z.step, z.name.Text)
	}
	test.Tap(findButton(z.Object, "Cancel"))
	ov := w.Canvas().Overlays().Top()
	if ov == nil || findButton(ov, "Yes") == nil {
		t.Fatal("Cancel with typed values did not ask")
	}
	if z.ctx.Err() != nil {
		t.Fatal("ended before the answer")
	}
	test.Tap(findButton(ov, "Yes"))
	if z.ctx.Err() == nil {
		t.Error("Cancel did not end the wizard's work")
	}
}

// TestWizardCancelUntouchedClosesAtOnce: nothing typed, nothing to ask.
func TestWizardCancelUntouchedClosesAtOnce(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil) // Cancel closes it: no second close at cleanup
	z := NewWizard(&fakeService{}, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	test.Tap(findButton(z.Object, "Cancel"))
	if w.Canvas().Overlays().Top() != nil || z.ctx.Err() == nil {
		t.Error("an untouched wizard asked or stayed")
	}
}

// TestWizardSeveralMailboxes: a list of addresses in the mailbox step
// adds one account per mailbox for the one login.
func TestWizardSeveralMailboxes(t *testing.T) {
	test.NewTempApp(t)
	f := &fakeService{}
	w := test.NewTempWindow(t, nil)
	z := NewWizard(f, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	z.name.SetText("buero")
	z.tenant.SetText("contoso.onmicrosoft.com")
	z.clientID.SetText("1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718")
	tapNext(z)
	z.login.SetText("anna@contoso.com")
	z.mailbox.SetText("info@contoso.com, buchhaltung@contoso.com")
	tapNext(z)
	if z.step != 3 || len(f.accounts) != 2 || f.accounts[1].Name != "buero-buchhaltung" || f.accounts[1].Login != "anna@contoso.com" ||
		z.saved.Name != "buero-info" || len(z.added) != 2 {
		t.Fatalf("step %d, accounts %+v", z.step, f.accounts)
	}
}

// TestEnterAfterSignInIsNext: the Authorize button had the focus (Tab,
// Space); after the sign-in Enter is Next, not Authorize again.
func TestEnterAfterSignInIsNext(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(&fakeService{}, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	z.name.SetText("x")
	z.tenant.SetText("contoso.onmicrosoft.com")
	z.clientID.SetText("1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718")
	tapNext(z)
	z.login.SetText("anna@contoso.com")
	tapNext(z)
	w.Canvas().Focus(z.authBtn)
	z.authBtn.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	z.running.Wait()
	if w.Canvas().Focused() != nil {
		t.Fatal("Authorize keeps the focus after the sign-in")
	}
	w.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	z.running.Wait()
	if z.step != 4 {
		t.Errorf("Enter after the sign-in: step %d", z.step)
	}
}

// closeButtonWindow records the close intercept, which the test driver's
// window keeps to itself: calling it is the user clicking the window's
// close button.
type closeButtonWindow struct {
	fyne.Window
	intercept func()
}

func (w *closeButtonWindow) SetCloseIntercept(fn func()) {
	w.intercept = fn
	w.Window.SetCloseIntercept(fn)
}

// TestWizardCloseButtonIsCancel: the window's close button asks as Cancel
// does once something was typed, and ends the wizard's work only after the
// answer; untouched it closes at once.
func TestWizardCloseButtonIsCancel(t *testing.T) {
	test.NewTempApp(t)
	w := &closeButtonWindow{Window: test.NewWindow(nil)} // closed by the wizard
	z := NewWizard(&fakeService{}, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	test.Type(z.name, "info")
	if w.intercept == nil {
		t.Fatal("the close button closes without asking")
	}
	w.intercept()
	ov := w.Canvas().Overlays().Top()
	if ov == nil || findButton(ov, "Yes") == nil || z.ctx.Err() != nil {
		t.Fatal("closing with typed values did not ask first")
	}
	test.Tap(findButton(ov, "Yes"))
	if z.ctx.Err() == nil {
		t.Error("closing did not end the wizard's work")
	}

	w2 := &closeButtonWindow{Window: test.NewWindow(nil)}
	z2 := NewWizard(&fakeService{}, i18n.EN, w2, nil)
	w2.SetContent(z2.Object)
	w2.intercept()
	if w2.Canvas().Overlays().Top() != nil || z2.ctx.Err() == nil {
		t.Error("an untouched wizard asked or stayed")
	}
}

// TestEditCancelUntouchedClosesAtOnce: the edited account's own values are
// nothing typed; a change is.
func TestEditCancelUntouchedClosesAtOnce(t *testing.T) {
	test.NewTempApp(t)
	a, _ := account.Input{Name: "info", Login: "info@contoso.com", Tenant: "contoso.onmicrosoft.com",
		ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718"}.Build()
	w := test.NewWindow(nil)
	z := NewEditWizard(&fakeService{accounts: []account.Account{*a}}, i18n.EN, w, a, nil)
	w.SetContent(z.Object)
	z.login.SetText("anna@contoso.com")
	test.Tap(findButton(z.Object, "Cancel"))
	if ov := w.Canvas().Overlays().Top(); ov == nil || findButton(ov, "No") == nil {
		t.Fatal("Cancel after a change did not ask")
	}
	test.Tap(findButton(w.Canvas().Overlays().Top(), "No"))
	z.login.SetText("info@contoso.com")
	test.Tap(findButton(z.Object, "Cancel"))
	if w.Canvas().Overlays().Top() != nil || z.ctx.Err() == nil {
		t.Error("Cancel of an unchanged edit asked or stayed")
	}
}

// TestWelcomeChoiceShapesTheTenantStep: the welcome step asks whether we
// create the app registration (the default) or the user has one. Only
// "have one" shows the portal steps; "create for me" puts the create box
// before the client ID, which says the creation fills it; "have one"
// leaves the tenant step without the box. Typed values survive going back
// and switching; keyboard only: Space chooses, Enter goes on, Tab reaches
// the create button from the name.
func TestWelcomeChoiceShapesTheTenantStep(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(&fakeService{}, i18n.EN, w, nil)
	w.SetContent(z.Object)
	inBody := func(o fyne.CanvasObject) int {
		for i, b := range z.body.Objects {
			if _, ok := findIn(b, func(x fyne.CanvasObject) bool { return x == o }); ok {
				return i
			}
		}
		return -1
	}
	if inBody(z.choice) < 0 || z.choice.Selected != z.t("ui.wiz.choice_create") || !z.choice.Required {
		t.Fatalf("welcome: choice shown %v, selected %q", inBody(z.choice) >= 0, z.choice.Selected)
	}
	if z.byHand.Visible() {
		t.Error("the portal steps show although we create the registration")
	}
	press(w, fyne.KeyReturn)
	if z.step != 1 || w.Canvas().Focused() != z.name {
		t.Fatalf("Enter on welcome: step %d, focus %v", z.step, w.Canvas().Focused())
	}
	box, client := inBody(z.regBtn), inBody(z.clientID)
	if box < 0 || client < 0 || box > client || inBody(z.regStatus) > client {
		t.Fatalf("create for me: box at %d, client ID at %d", box, client)
	}
	if z.clientID.PlaceHolder != z.t("ui.wiz.client_id_created") {
		t.Errorf("client ID placeholder %q", z.clientID.PlaceHolder)
	}
	test.Type(z.name, "neu")
	// name → tenant → sign-in type → administrator → Create
	for range 4 {
		w.Canvas().FocusNext()
	}
	if w.Canvas().Focused() != z.regBtn {
		t.Errorf("four Tabs from the name reach %v, not the create button", w.Canvas().Focused())
	}

	// Enter in the administrator's field is Next, as in every field.
	z.tenant.SetText("contoso.onmicrosoft.com")
	z.clientID.SetText("1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718")
	w.Canvas().Focus(z.regAdmin)
	press(w, fyne.KeyReturn)
	if z.step != 2 {
		t.Fatalf("Enter in the administrator's field: step %d", z.step)
	}
	test.Tap(z.back)
	z.clientID.SetText("")
	test.Tap(z.back)
	// Tab to the second option, Space chooses it, Enter is Next.
	w.Canvas().FocusNext()
	w.Canvas().FocusNext()
	w.Canvas().Focused().TypedRune(' ')
	if z.choice.Selected != z.t("ui.wiz.choice_have") || !z.byHand.Visible() {
		t.Fatalf("have one: selected %q, portal steps shown %v", z.choice.Selected, z.byHand.Visible())
	}
	press(w, fyne.KeyReturn)
	if z.step != 1 || z.name.Text != "neu" || w.Canvas().Focused() != z.name {
		t.Fatalf("have one, Enter: step %d, name %q", z.step, z.name.Text)
	}
	if inBody(z.regBtn) >= 0 || inBody(z.regStatus) >= 0 || inBody(z.clientID) < 0 {
		t.Error("have one: the tenant step shows the create box")
	}
	if z.clientID.PlaceHolder == z.t("ui.wiz.client_id_created") {
		t.Error("have one: the client ID says the creation fills it")
	}
	z.clientID.SetText("1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718")
	test.Tap(z.back)
	z.choice.SetSelected(z.t("ui.wiz.choice_create"))
	if z.byHand.Visible() {
		t.Error("back to create for me: the portal steps still show")
	}
	tapNext(z)
	if inBody(z.regBtn) < 0 || z.name.Text != "neu" || z.clientID.Text != "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718" {
		t.Errorf("switched back: box %d, name %q, client ID %q", inBody(z.regBtn), z.name.Text, z.clientID.Text)
	}
}

// TestEditWizardHasNoChoice: an edited account has its registration: its
// welcome step (Back) offers no choice, its tenant step no create box.
func TestEditWizardHasNoChoice(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	a, _ := account.Input{Name: "alt", Login: "anna@contoso.com", Tenant: "contoso.onmicrosoft.com",
		ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718"}.Build()
	z := NewEditWizard(&fakeService{accounts: []account.Account{*a}}, i18n.EN, w, a, nil)
	w.SetContent(z.Object)
	if _, ok := findIn(z.body, func(b *widget.Button) bool { return b == z.regBtn }); ok && z.regBtn != nil {
		t.Error("edit: the tenant step shows the create box")
	}
	test.Tap(z.back)
	if _, ok := findIn(z.body, func(r *widget.RadioGroup) bool { return true }); ok || !z.byHand.Visible() {
		t.Errorf("edit, welcome: choice shown %v, portal steps shown %v", ok, z.byHand.Visible())
	}
}

// TestSecretFieldOnlyForAppOnly: the tenant step asks for a client secret
// only for app-only access; a secret typed or a problem with it stays in
// sight whatever the sign-in type.
func TestSecretFieldOnlyForAppOnly(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(&fakeService{}, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	if z.secretBox == nil || z.secretBox.Visible() {
		t.Fatal("browser sign-in: the client secret field is shown")
	}
	z.flow.SetSelectedIndex(flowIndex(account.FlowApp))
	if !z.secretBox.Visible() {
		t.Fatal("app-only: no client secret field")
	}
	z.secret.SetText("typed")
	z.flow.SetSelectedIndex(flowIndex(account.FlowDevice))
	if !z.secretBox.Visible() {
		t.Error("a typed secret was hidden when the sign-in type changed")
	}
	z.secret.SetText("")
	z.flow.SetSelectedIndex(flowIndex(account.FlowBrowser))
	if z.secretBox.Visible() {
		t.Error("browser sign-in again: the client secret field is shown")
	}
}
