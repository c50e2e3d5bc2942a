package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/account"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/sandbox/mailserver"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

// TestWizardAgainstSandbox drives every step against the sandbox: invalid
// input at each form step, a failed authorization, then a good one through
// the consent page, and a verify step with a red SMTP check.
func TestWizardAgainstSandbox(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{}, i18n.DE, nil)
	w := test.NewTempWindow(t, nil)
	var finished string
	z := NewWizard(svc, i18n.DE, w, func(n string) { finished = n })
	w.SetContent(z.Object)

	tapNext(z)
	// Step 2: a broken tenant URL and an e-mail as client ID are refused.
	test.Type(z.name, "neu")
	z.tenant.SetText("https://login/microsoftonline.com/" + sb.Identity.TenantID() + "/")
	z.clientID.SetText("dora@contoso.example")
	tapNext(z)
	if z.step != 1 || !z.errs["tenant"].Visible() || !z.errs["client_id"].Visible() {
		t.Fatalf("step 2 accepted bad input (step %d)", z.step)
	}
	z.tenant.SetText(sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/")
	z.clientID.SetText(identity.PublicClientID)
	tapNext(z)
	// Step 3: a bad address and a bad port are refused.
	z.login.SetText("dora")
	z.server[account.IMAP].SetText(sb.Mail.IMAPAddr() + "0")
	tapNext(z)
	if z.step != 2 || !z.errs["login"].Visible() {
		t.Fatalf("step 3 accepted bad input (step %d)", z.step)
	}
	z.login.SetText("dora@contoso.example")
	z.server[account.IMAP].SetText(sb.Mail.IMAPAddr())
	z.server[account.POP3].SetText(sb.Mail.POP3Addr())
	z.server[account.SMTP].SetText(sb.Mail.SMTPAddr())
	tapNext(z)
	if z.step != 3 {
		t.Fatalf("step %d after valid input: %v", z.step, z.errs["imap"].Text)
	}
	// Step 4: the admin has not consented — the Entra problem and its fix.
	sb.Identity.SetFault(identity.Fault{Endpoint: "authorize", AADSTS: 65001, Times: 1})
	test.Tap(z.authBtn)
	z.running.Wait()
	if !strings.Contains(z.authStatus.Text, "AADSTS65001") || !strings.Contains(z.authStatus.Text, "Administratorzustimmung") || !z.next.Disabled() {
		t.Fatalf("failed authorization: %q", z.authStatus.Text)
	}
	if !z.consentBtn.Visible() {
		t.Error("no admin-consent button after AADSTS65001")
	}
	test.Tap(z.authBtn)
	z.running.Wait()
	if !strings.Contains(z.authStatus.Text, "dora@contoso.example") || z.next.Disabled() {
		t.Fatalf("authorization: %q", z.authStatus.Text)
	}
	if z.consentBtn.Visible() {
		t.Error("admin-consent button still offered after a good sign-in")
	}
	// Step 5: SMTP AUTH is off for the tenant: SMTP red with the fix.
	sb.Mail.SetFault("smtp", mailserver.FaultSMTPAuthDisabledTenant)
	tapNext(z)
	z.running.Wait()
	if z.lights["imap"].Level != status.Green || z.lights["pop3"].Level != status.Green || z.lights["smtp"].Level != status.Red {
		t.Fatalf("lights: %s %s %s", z.lights["imap"].Level, z.lights["pop3"].Level, z.lights["smtp"].Level)
	}
	if !strings.Contains(z.verifyInfo.Text, "Set-TransportConfig") {
		t.Errorf("fix missing: %q", z.verifyInfo.Text)
	}
	tapNext(z)
	if finished != "neu" {
		t.Errorf("finish: %q", finished)
	}
}

// approvingService plays the user who types the shown device code on the
// sandbox's devicelogin page from another device.
type approvingService struct {
	*app.Service
	sb    *sandbox.Sandbox
	user  string
	shown chan app.DeviceCode
}

func (a approvingService) Authorize(ctx context.Context, name string, o app.AuthorizeOptions) (*app.Authorized, *status.Problem) {
	onDevice := o.OnDeviceCode
	o.OnDeviceCode = func(d app.DeviceCode) {
		onDevice(d)
		a.shown <- d
		go a.sb.Identity.ApproveDevice(d.Code, a.user, true)
	}
	return a.Service.Authorize(ctx, name, o)
}

// TestWizardDeviceCode: the device sign-in type shows the code with copy
// buttons, and the sign-in on the other device completes the step.
func TestWizardDeviceCode(t *testing.T) {
	test.NewTempApp(t)
	sb, core := sandboxService(t, sandbox.Options{}, i18n.EN, func(string) error { t.Error("the device flow opened a browser"); return nil })
	svc := approvingService{core, sb, "erik@contoso.example", make(chan app.DeviceCode, 1)}
	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	fillWizard(t, z, sb, "geraet", identity.PublicClientID, account.FlowDevice, "erik@contoso.example")
	test.Tap(z.authBtn)
	z.running.Wait()
	d := <-svc.shown
	if !strings.Contains(z.authStatus.Text, "erik@contoso.example") || z.next.Disabled() {
		t.Fatalf("device authorization: %q", z.authStatus.Text)
	}
	// The box showed the code and the address, with copy buttons.
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *widget.Label:
			texts = append(texts, x.Text)
		case *widget.RichText:
			texts = append(texts, x.String())
		case *widget.Button:
			texts = append(texts, x.Text)
			if x.Text == "Copy code" {
				test.Tap(x)
			}
		}
	}
	walk(z.deviceBox)
	all := strings.Join(texts, "\n")
	for _, want := range []string{d.Code, d.URL, "Copy code", "Copy address"} {
		if !strings.Contains(all, want) {
			t.Errorf("device box lacks %q:\n%s", want, all)
		}
	}
	if got := fyne.CurrentApp().Clipboard().Content(); got != d.Code {
		t.Errorf("clipboard %q, want the code %q", got, d.Code)
	}
}

// TestWizardAdminConsent: the organisation has not consented (AADSTS65001);
// the wizard offers admin consent, and Authorize then works.
func TestWizardAdminConsent(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{AutoConsent: true}, i18n.EN, nil)
	sb.Identity.RequireAdminConsent(identity.PublicClientID)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	fillWizard(t, z, sb, "zustimmung", identity.PublicClientID, account.FlowBrowser, "gina@contoso.example")
	test.Tap(z.authBtn)
	z.running.Wait()
	if !strings.Contains(z.authStatus.Text, "AADSTS65001") || !z.consentBtn.Visible() {
		t.Fatalf("without consent: %q, button %v", z.authStatus.Text, z.consentBtn.Visible())
	}
	test.Tap(z.consentBtn)
	z.running.Wait()
	if z.authStatus.Text != i18n.T(i18n.EN, "ui.wiz.admin_consent_done", nil) {
		t.Fatalf("after consent: %q", z.authStatus.Text)
	}
	test.Tap(z.authBtn)
	z.running.Wait()
	if !strings.Contains(z.authStatus.Text, "gina@contoso.example") || z.next.Disabled() {
		t.Fatalf("authorize after consent: %q", z.authStatus.Text)
	}
}

// TestWizardAppOnly: app-only access has nobody to sign in; the wizard shows
// the Exchange PowerShell with the account's values instead, then verifies.
func TestWizardAppOnly(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{}, i18n.EN, nil)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	fillWizard(t, z, sb, "app", identity.ConfidentialClientID, account.FlowApp, "alarm@contoso.example")
	if z.step != 3 || z.powershell == nil || z.next.Disabled() {
		t.Fatalf("step %d, powershell %v", z.step, z.powershell != nil)
	}
	for _, want := range []string{"New-ServicePrincipal -AppId " + identity.ConfidentialClientID, "Add-MailboxPermission -Identity alarm@contoso.example",
		"Connect-ExchangeOnline -Organization " + sb.Identity.TenantID(), "Enterprise applications"} {
		if !strings.Contains(z.powershell.Text, want) {
			t.Errorf("PowerShell lacks %q:\n%s", want, z.powershell.Text)
		}
	}
	tapNext(z)
	if z.step != 4 {
		t.Fatalf("step %d after the PowerShell", z.step)
	}
}

// sandboxService starts the sandbox and the application service against it;
// its browser accepts the sandbox's pages in-process unless one is given.
func sandboxService(t *testing.T, opts sandbox.Options, lang i18n.Lang, browser func(string) error) (*sandbox.Sandbox, *app.Service) {
	t.Helper()
	sb, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	hc := sb.Identity.HTTPClient()
	if browser == nil {
		browser = app.ConsentingBrowser(hc)
	}
	dir := t.TempDir()
	svc, p := app.Open(app.Options{ConfigDir: dir, LogDir: dir + "/log", Lang: lang, Secrets: &secret.Memory{}, RootCAs: sb.CA.Pool(),
		HTTPClient: hc, OpenBrowser: browser})
	if p != nil {
		t.Fatal(p)
	}
	t.Cleanup(svc.Close)
	return sb, svc
}

// fillWizard takes a new wizard through welcome, tenant and mailbox with
// valid sandbox values and lands on step 4.
func fillWizard(t *testing.T, z *Wizard, sb *sandbox.Sandbox, name, clientID string, flow account.Flow, login string) {
	t.Helper()
	tapNext(z)
	test.Type(z.name, name)
	z.tenant.SetText(sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/")
	z.clientID.SetText(clientID)
	z.flow.SetSelectedIndex(flowIndex(flow))
	if flow == account.FlowApp {
		z.secret.SetText(sb.Identity.ConfidentialSecret())
	}
	tapNext(z)
	z.login.SetText(login)
	z.server[account.IMAP].SetText(sb.Mail.IMAPAddr())
	z.server[account.POP3].SetText(sb.Mail.POP3Addr())
	z.server[account.SMTP].SetText(sb.Mail.SMTPAddr())
	tapNext(z)
	if z.step != 3 || z.saved == nil || z.saved.Flow != flow {
		t.Fatalf("step %d, saved %+v", z.step, z.saved)
	}
}
