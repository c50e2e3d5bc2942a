package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"mailoauth/core/account"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox"
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
