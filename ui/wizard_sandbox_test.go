package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"mailoauth/core/account"
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
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	hc := sb.Identity.HTTPClient()
	svc := newCoreService(t.TempDir(), &secret.Memory{}, sb.CA.Pool(), hc, i18n.DE)
	svc.browser = consentingBrowser(hc)
	w := test.NewTempWindow(t, nil)
	var finished string
	z := NewWizard(svc, i18n.DE, w, func(n string) { finished = n })
	w.SetContent(z.Object)

	test.Tap(z.next)
	// Step 2: a broken tenant URL and an e-mail as client ID are refused.
	test.Type(z.name, "neu")
	z.tenant.SetText("https://login/microsoftonline.com/" + sb.Identity.TenantID() + "/")
	z.clientID.SetText("dora@contoso.example")
	test.Tap(z.next)
	if z.step != 1 || !z.errs["tenant"].Visible() || !z.errs["client_id"].Visible() {
		t.Fatalf("step 2 accepted bad input (step %d)", z.step)
	}
	z.tenant.SetText(sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/")
	z.clientID.SetText(identity.PublicClientID)
	test.Tap(z.next)
	// Step 3: a bad address and a bad port are refused.
	z.login.SetText("dora")
	z.server[account.IMAP].SetText(sb.Mail.IMAPAddr() + "0")
	test.Tap(z.next)
	if z.step != 2 || !z.errs["login"].Visible() {
		t.Fatalf("step 3 accepted bad input (step %d)", z.step)
	}
	z.login.SetText("dora@contoso.example")
	z.server[account.IMAP].SetText(sb.Mail.IMAPAddr())
	z.server[account.POP3].SetText(sb.Mail.POP3Addr())
	z.server[account.SMTP].SetText(sb.Mail.SMTPAddr())
	test.Tap(z.next)
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
	test.Tap(z.authBtn)
	z.running.Wait()
	if !strings.Contains(z.authStatus.Text, "dora@contoso.example") || z.next.Disabled() {
		t.Fatalf("authorization: %q", z.authStatus.Text)
	}
	// Step 5: SMTP AUTH is off for the tenant: SMTP red with the fix.
	sb.Mail.SetFault("smtp", mailserver.FaultSMTPAuthDisabledTenant)
	test.Tap(z.next)
	z.running.Wait()
	if z.lights["imap"].Level != status.Green || z.lights["pop3"].Level != status.Green || z.lights["smtp"].Level != status.Red {
		t.Fatalf("lights: %s %s %s", z.lights["imap"].Level, z.lights["pop3"].Level, z.lights["smtp"].Level)
	}
	if !strings.Contains(z.verifyInfo.Text, "Set-TransportConfig") {
		t.Errorf("fix missing: %q", z.verifyInfo.Text)
	}
	test.Tap(z.next)
	if finished != "neu" {
		t.Errorf("finish: %q", finished)
	}
}
