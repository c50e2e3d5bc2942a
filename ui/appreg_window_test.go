package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/account"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/graph"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

// leakScan fails when a secret the sandbox handed out (the administrator's
// Graph tokens, the new client secret) is in the config folder, the log or
// the shown text.
func leakScan(t *testing.T, sb *sandbox.Sandbox, svc *app.Service, shown string) {
	t.Helper()
	hay := shown
	for _, dir := range []string{svc.ConfigDir(), svc.LogDir()} {
		filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				b, _ := os.ReadFile(p)
				hay += string(b)
			}
			return nil
		})
	}
	secrets := sb.Identity.Issued()
	if len(secrets) < 3 || len(hay) < 100 || svc.LogDir() == "" {
		t.Fatalf("scan would prove nothing: %d secrets, %d bytes", len(secrets), len(hay))
	}
	for _, s := range secrets {
		if strings.Contains(hay, s) {
			t.Errorf("secret %.8s… found on disk, in the log or on screen", s)
		}
	}
}

// TestWizardCreatesAnAppOnlyRegistration: app-only from the wizard. The
// registration's client secret is held by the service until the mailbox
// step adds the account, then lands in its keyring entry; the secret field
// need not be filled; the Exchange step shows the real service principal;
// once the Exchange administrator ran it, all three lights are green. The
// secret is nowhere on disk, in the log or in a widget.
func TestWizardCreatesAnAppOnlyRegistration(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{AutoConsent: true}, i18n.EN, nil)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	test.Type(z.name, "info")
	z.tenant.SetText(sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/")
	z.clientID.SetText("")
	z.flow.SetSelectedIndex(flowIndex(account.FlowApp))
	z.regAdmin.SetText("admin@contoso.example")
	test.Tap(z.regBtn)
	z.running.Wait()
	clientID := z.clientID.Text
	if !strings.Contains(z.regStatus.Text, "created") || !strings.Contains(z.regStatus.Text, "keyring") || clientID == "" {
		t.Fatalf("register: %q, client ID %q", z.regStatus.Text, clientID)
	}
	if z.secret.Text != "" {
		t.Fatal("the client secret was put into the secret field")
	}
	// Run again: the same registration, and no second secret.
	test.Tap(z.regBtn)
	z.running.Wait()
	if !strings.Contains(z.regStatus.Text, "found") || z.clientID.Text != clientID || sb.Graph.AppCount("mailoauth") != 1 {
		t.Fatalf("rerun: %q, client %q, %d registrations", z.regStatus.Text, z.clientID.Text, sb.Graph.AppCount("mailoauth"))
	}
	z.show(1) // as Back from the next step draws it
	if !z.heldNote.Visible() {
		t.Error("the secret field does not say the secret was made")
	}
	shown := z.regStatus.Text + z.heldNote.Text
	tapNext(z)
	if z.step != 2 {
		t.Fatalf("the empty secret field stopped the tenant step: %q", z.errs["client_secret"].Text)
	}
	mailbox := "info@contoso.example"
	z.login.SetText(mailbox)
	z.server[account.IMAP].SetText(sb.Mail.IMAPAddr())
	z.server[account.POP3].SetText(sb.Mail.POP3Addr())
	z.server[account.SMTP].SetText(sb.Mail.SMTPAddr())
	z.security[account.SMTP].SetSelectedIndex(2)
	tapNext(z)
	z.running.Wait()
	if z.step != 3 || z.powershell == nil {
		t.Fatalf("step %d after the mailbox: %v", z.step, z.errs)
	}
	spID := sb.Graph.ServicePrincipalID(clientID)
	if spID == "" || z.saved.ServicePrincipalID != spID || !z.saved.HasClientSecret || z.saved.ClientSecretExpires.IsZero() {
		t.Fatalf("account: SP %q (want %q), secret %v, ends %v", z.saved.ServicePrincipalID, spID, z.saved.HasClientSecret, z.saved.ClientSecretExpires)
	}
	if !strings.Contains(z.powershell.Text, "New-ServicePrincipal -AppId "+clientID+" -ObjectId "+spID) ||
		strings.Contains(z.powershell.Text, i18n.T(i18n.EN, "card.ps.object_id_placeholder", nil)) {
		t.Fatalf("Exchange script:\n%s", z.powershell.Text)
	}
	shown += z.powershell.Text
	if err := sb.RunExchangeScript(clientID, spID, mailbox); err != nil {
		t.Fatal(err)
	}
	tapNext(z)
	z.running.Wait()
	for _, p := range []string{"imap", "pop3", "smtp"} {
		if z.lights[p].Level != status.Green {
			t.Errorf("%s %s: %s", p, z.lights[p].Level, z.verifyInfo.Text)
		}
	}
	leakScan(t, sb, svc, shown+z.verifyInfo.Text)
}

func (f *fakeService) CheckApp(context.Context, app.AppCheckRequest) (*app.AppChecked, *status.Problem) {
	return nil, status.New(status.Red, "appreg.no_protocol")
}
func (f *fakeService) ClientSecret(_ context.Context, name string) (string, *status.Problem) {
	return "", status.New(status.Red, "app.no_client_secret", "name", name)
}

// lockedKeyring is the fake whose keyring is locked.
type lockedKeyring struct{ *fakeService }

func (lockedKeyring) ClientSecret(context.Context, string) (string, *status.Problem) {
	return "", status.New(status.Red, "secret.locked")
}
func (f *fakeService) SuggestAdmin() string { return "" }

// canvasText is every label's, entry's and button's text below o.
func canvasText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Entry:
			b.WriteString(x.Text + "\n")
		case *widget.Button:
			b.WriteString(x.Text + "\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
		if w, ok := o.(fyne.Widget); ok {
			if _, leaf := o.(*widget.Label); !leaf {
				for _, c := range test.WidgetRenderer(w).Objects() {
					walk(c)
				}
			}
		}
	}
	walk(o)
	return b.String()
}

// registeredAccount is a delegated account "anna" set up with a new app
// registration made through the sandbox's Graph.
func registeredAccount(t *testing.T, sb *sandbox.Sandbox, svc *app.Service) string {
	t.Helper()
	res, probs := svc.Register(context.Background(), app.RegisterRequest{AdminOptions: app.AdminOptions{Admin: "admin@contoso.example"},
		Tenant: sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/",
		Account: app.Input{Name: "anna", Login: "anna@contoso.example", IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(),
			SMTP: sb.Mail.SMTPAddr(), SMTPSecurity: "starttls"}})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return res.ClientID
}

// TestCheckAppRegistrationFindsAndRepairs: the account's "Check app
// registration" finds a redirect URI moved to the Web platform with its
// text and fix, and "Check and repair" fixes it and says so.
func TestCheckAppRegistrationFindsAndRepairs(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{AutoConsent: true}, i18n.EN, nil)
	clientID := registeredAccount(t, sb, svc)
	if err := sb.Graph.SeedFault(clientID, graph.FaultRedirectWeb); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(svc, i18n.EN, w)
	w.SetContent(u.Object)
	u.list.Select(u.index("anna"))
	if findButton(u.detail.actions, "App registration") == nil {
		t.Fatal("no App registration action")
	}
	if u.detail.copySecret.Visible() {
		t.Error("Copy client secret offered for a delegated account")
	}
	c := u.checkApp("anna")
	c.admin.SetText("admin@contoso.example")
	test.Tap(c.check)
	waitOrFail(t, &u.running, 30*time.Second, "the check")
	got := canvasText(c.findings)
	if !strings.Contains(got, "Web platform only") || !strings.Contains(got, "Repair moves it") || !strings.Contains(got, "Check and repair") {
		t.Fatalf("check:\n%s", got)
	}
	test.Tap(c.repair)
	waitOrFail(t, &u.running, 30*time.Second, "the repair")
	got = canvasText(c.findings)
	if !strings.Contains(got, "Repaired: ") || !strings.Contains(got[strings.Index(got, "Now:"):], "Everything mailoauth needs is in place.") {
		t.Fatalf("repair:\n%s", got)
	}
	leakScan(t, sb, svc, got)
}

// TestCheckAppDialogCloseEndsTheSignIn: closing the dialog while the
// administrator has not signed in yet ends the sign-in and its listener.
func TestCheckAppDialogCloseEndsTheSignIn(t *testing.T) {
	test.NewTempApp(t)
	var follow atomic.Bool
	follow.Store(true)
	urls := make(chan string, 4)
	var consenting func(string) error
	sb, svc := sandboxService(t, sandbox.Options{AutoConsent: true}, i18n.DE, func(u string) error {
		if follow.Load() {
			return consenting(u)
		}
		urls <- u
		return nil
	})
	consenting = app.ConsentingBrowser(sb.Identity.HTTPClient())
	registeredAccount(t, sb, svc)
	follow.Store(false)
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(svc, i18n.DE, w)
	w.SetContent(u.Object)
	c := u.checkApp("anna")
	if c.repair.Text != "Prüfen und reparieren" {
		t.Errorf("repair button %q", c.repair.Text)
	}
	test.Tap(c.check)
	var signIn string
	select {
	case signIn = <-urls:
	case <-time.After(10 * time.Second):
		t.Fatal("the administrator's sign-in never opened the browser")
	}
	addr := listenerOf(t, signIn)
	c.box.Hide()
	waitOrFail(t, &u.running, 10*time.Second, "the administrator's sign-in after closing the dialog")
	if listening(addr) {
		t.Error("the loopback listener outlived the dialog")
	}
}

// TestCopyClientSecret: the secret goes to the clipboard without being
// shown, the status says so, and it is taken off again later unless
// something else was copied meanwhile; a locked keyring is said, and the
// clipboard keeps what it held.
func TestCopyClientSecret(t *testing.T) {
	test.NewTempApp(t)
	clipboardClearAfter = 200 * time.Millisecond
	t.Cleanup(func() { clipboardClearAfter = 2 * time.Minute })
	sb, svc := sandboxService(t, sandbox.Options{}, i18n.EN, nil)
	in := app.Input{Name: "app", Login: "alarm@contoso.example", Tenant: sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/",
		ClientID: identity.ConfidentialClientID, Flow: "app", IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr()}
	if _, probs := svc.Add(context.Background(), in, "s3cret-value"); len(probs) > 0 {
		t.Fatal(probs)
	}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(svc, i18n.EN, w)
	w.SetContent(u.Object)
	u.list.Select(u.index("app"))
	if !u.detail.copySecret.Visible() {
		t.Fatal("no Copy client secret for an app-only account")
	}
	cb := fyne.CurrentApp().Clipboard()
	// The clipboard is read and written on the UI goroutine, as the
	// window does (the test driver runs fyne.Do on the caller's).
	clip := func() (s string) {
		u.do(func() { s = cb.Content() })
		return s
	}
	test.Tap(u.detail.copySecret)
	u.running.Wait()
	if clip() != "s3cret-value" {
		t.Fatalf("clipboard %q", clip())
	}
	if !strings.Contains(u.status.Text, "clipboard") || strings.Contains(canvasText(w.Canvas().Content()), "s3cret-value") {
		t.Errorf("status %q, or the secret shown", u.status.Text)
	}
	deadline := time.Now().Add(5 * time.Second)
	for clip() != "" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if clip() != "" {
		t.Fatal("the secret stayed on the clipboard")
	}
	test.Tap(u.detail.copySecret)
	u.running.Wait()
	u.do(func() { cb.SetContent("something else") })
	time.Sleep(3 * clipboardClearAfter)
	if clip() != "something else" {
		t.Errorf("what the user copied afterwards was cleared: %q", clip())
	}

	// A locked keyring: its problem, and the clipboard untouched.
	f := lockedKeyring{&fakeService{accounts: []account.Account{{Name: "app", Login: "alarm@contoso.com", Flow: account.FlowApp}}}}
	u2 := NewAccounts(f, i18n.EN, w)
	u2.copySecret("app")
	u2.running.Wait()
	if clip() != "something else" || !strings.Contains(u2.status.Text, "locked") {
		t.Errorf("locked keyring: clipboard %q, status %q", clip(), u2.status.Text)
	}
}

// TestWizardRerunReusesTheAccountsSecret: an app-only account "info" keeps
// its app's client secret; a new wizard's "Create the app registration for
// me" for a second mailbox finds the registration, adds no secret in Entra,
// and says that info's secret is used — in its status and under the
// secret field.
func TestWizardRerunReusesTheAccountsSecret(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{AutoConsent: true}, i18n.EN, nil)
	tenant := sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/"
	first, probs := svc.Register(context.Background(), app.RegisterRequest{AdminOptions: app.AdminOptions{Admin: "admin@contoso.example"},
		Tenant: tenant, Flow: "app", Account: app.Input{Name: "info", Login: "info@contoso.example", IMAP: sb.Mail.IMAPAddr(),
			POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr(), SMTPSecurity: "starttls"}})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	test.Type(z.name, "buchhaltung")
	z.tenant.SetText(tenant)
	z.clientID.SetText("")
	z.flow.SetSelectedIndex(flowIndex(account.FlowApp))
	z.regAdmin.SetText("admin@contoso.example")
	test.Tap(z.regBtn)
	z.running.Wait()
	if ea, _ := sb.Identity.LookupApp(first.ClientID); len(ea.Secrets) != 1 || z.clientID.Text != first.ClientID {
		t.Fatalf("%d secrets in Entra, client %q (want %s)", len(ea.Secrets), z.clientID.Text, first.ClientID)
	}
	z.show(1)
	for _, text := range []string{z.regStatus.Text, z.heldNote.Text} {
		if !strings.Contains(text, "No new client secret") || !strings.Contains(text, `"info"`) {
			t.Errorf("does not say info's secret is used: %q", text)
		}
	}
	if !z.heldNote.Visible() {
		t.Error("the secret field does not say a secret is held")
	}
}

// TestAdminClientOfferedWhenTheTenantRefusesGraphCLI: a tenant that lets no
// administrator consent to Microsoft Graph Command Line Tools (AADSTS65001)
// gets, besides the fix, the "Admin client ID" field, hidden until then —
// in the wizard and in the App registration dialog; with the organisation's
// own admin client typed there the registration is made and checked.
func TestAdminClientOfferedWhenTheTenantRefusesGraphCLI(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{AutoConsent: true}, i18n.EN, nil)
	sb.Identity.RequireAdminConsent(graph.GraphCLIAppID)
	const own = "0c0ffee0-1234-4abc-8def-00000000ad31"
	sb.Identity.AddApp(identity.App{ClientID: own, Public: true, RedirectURIs: []string{"http://localhost"}, GraphPermissions: graph.AdminPermissions})

	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	tapNext(z)
	test.Type(z.name, "neu")
	z.tenant.SetText(sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/")
	if z.regClient.row.Visible() {
		t.Fatal("the admin client field is shown before any refusal")
	}
	z.regAdmin.SetText("admin@contoso.example")
	test.Tap(z.regBtn)
	z.running.Wait()
	if !strings.Contains(z.regStatus.Text, "AADSTS65001") || !strings.Contains(z.regStatus.Text, `"Admin client ID"`) || !z.regClient.row.Visible() {
		t.Fatalf("refused: %q, field shown %v", z.regStatus.Text, z.regClient.row.Visible())
	}
	z.regClient.entry.SetText(own)
	test.Tap(z.regBtn)
	z.running.Wait()
	if !strings.Contains(z.regStatus.Text, "created") || sb.Graph.AppCount("mailoauth") != 1 {
		t.Fatalf("with the own admin client: %q", z.regStatus.Text)
	}

	clientID := registeredAccountWith(t, sb, svc, own)
	u := NewAccounts(svc, i18n.EN, w)
	w.SetContent(u.Object)
	c := u.checkApp("anna")
	c.admin.SetText("admin@contoso.example")
	test.Tap(c.check)
	waitOrFail(t, &u.running, 30*time.Second, "the check")
	if got := canvasText(c.findings); !strings.Contains(got, "AADSTS65001") || !c.client.row.Visible() {
		t.Fatalf("dialog refused:\n%s", got)
	}
	c.client.entry.SetText(own)
	test.Tap(c.check)
	waitOrFail(t, &u.running, 30*time.Second, "the check")
	if got := canvasText(c.findings); !strings.Contains(got, clientID) || !strings.Contains(got, "Everything mailoauth needs is in place.") {
		t.Fatalf("dialog with the own admin client:\n%s", got)
	}
}

// registeredAccountWith is registeredAccount with the organisation's own
// admin client.
func registeredAccountWith(t *testing.T, sb *sandbox.Sandbox, svc *app.Service, adminClient string) string {
	t.Helper()
	res, probs := svc.Register(context.Background(), app.RegisterRequest{AdminOptions: app.AdminOptions{Admin: "admin@contoso.example", AdminClientID: adminClient},
		Name: "mailoauth-anna", Tenant: sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/",
		Account: app.Input{Name: "anna", Login: "anna@contoso.example", IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(),
			SMTP: sb.Mail.SMTPAddr(), SMTPSecurity: "starttls"}})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return res.ClientID
}
