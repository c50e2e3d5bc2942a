package app

import (
	"context"
	"testing"
	"time"

	"mailoauth/core/sandbox/identity"
	"mailoauth/core/secret"
)

// TestHeldRegistrationGoesToEveryMailboxOnce: a client secret held for a
// registration made without an account goes into the keyring entry of each
// account AddMailboxes makes with that tenant and client ID, with the
// service principal and the secret's end; afterwards it is gone from
// memory, so the next account with the app needs its own.
func TestHeldRegistrationGoesToEveryMailboxOnce(t *testing.T) {
	mem := &secret.Memory{}
	sb, s, _ := sandboxService(t, mem)
	ctx := context.Background()
	ends := time.Now().Add(365 * 24 * time.Hour).UTC().Truncate(time.Second)
	s.hold(sb.Identity.TenantID(), identity.ConfidentialClientID, "held-s3cret", "sp-object-id", ends)
	in := input(sb, "buero", "anna@contoso.example")
	in.ClientID, in.Flow = identity.ConfidentialClientID, "app"
	saved, probs := s.AddMailboxes(ctx, in, []string{"info@contoso.example", "buchhaltung@contoso.example"}, "")
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	for _, sv := range saved {
		a := sv.Account
		v, err := mem.Get(ctx, secret.ClientSecretKey(a.Name))
		if err != nil || v != "held-s3cret" || !a.HasClientSecret || a.ServicePrincipalID != "sp-object-id" || !a.ClientSecretExpires.Equal(ends) {
			t.Errorf("%s: secret %q %v, SP %q, ends %v", a.Name, v, err, a.ServicePrincipalID, a.ClientSecretExpires)
		}
		if got, p := s.ClientSecret(ctx, a.Name); p != nil || got != "held-s3cret" {
			t.Errorf("ClientSecret(%s): %q %v", a.Name, got, p)
		}
	}
	if _, ok := s.heldFor(sb.Identity.TenantID(), identity.ConfidentialClientID); ok {
		t.Error("the secret is still held after the accounts were stored")
	}
	in.Name = "noch-eins"
	if _, probs := s.Add(ctx, in, ""); len(probs) != 1 || probs[0].Code != "cli.app_needs_secret" {
		t.Fatalf("a second account took a secret that was handed out: %v", probs)
	}
	// Update takes a held secret too (the edit wizard after a registration).
	s.hold(sb.Identity.TenantID(), identity.ConfidentialClientID, "renewed", "sp-object-id", ends)
	in.Name, in.Mailbox = "buero-info", "info@contoso.example"
	if _, probs := s.Update(ctx, in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if v, _ := mem.Get(ctx, secret.ClientSecretKey("buero-info")); v != "renewed" {
		t.Errorf("after Update: %q", v)
	}
}

// TestClientSecretLockedKeyringIsAProblem: a keyring that cannot be read
// is its problem, never an empty secret; a delegated account has none.
func TestClientSecretLockedKeyringIsAProblem(t *testing.T) {
	sb, s, _ := sandboxService(t, &lockedReads{})
	ctx := context.Background()
	if _, probs := s.Add(ctx, input(sb, "k", "anna@contoso.example"), ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if v, p := s.ClientSecret(ctx, "k"); v != "" || p == nil || p.Code != "app.no_client_secret" {
		t.Fatalf("delegated: %q %v", v, p)
	}
	in := input(sb, "app", "alarm@contoso.example")
	in.ClientID, in.Flow = identity.ConfidentialClientID, "app"
	if _, probs := s.Add(ctx, in, "s3cret"); len(probs) > 0 {
		t.Fatal(probs)
	}
	if v, p := s.ClientSecret(ctx, "app"); v != "" || p == nil || p.Code != "secret.locked" {
		t.Fatalf("locked: %q %v", v, p)
	}
}

// TestAppOnlyRerunReusesTheKnownSecret: a client secret in Entra cannot be
// read back, so a second mailbox of an app-only registration — the wizard's
// "Create the app registration for me" run again (held in memory), or
// `register --account` for another account — takes the secret an account
// of the same tenant and client ID keeps in the keyring, and Entra gets no
// second secret. Only when no account keeps one is a new one added, and
// the result says which.
func TestAppOnlyRerunReusesTheKnownSecret(t *testing.T) {
	mem := &secret.Memory{}
	sb, s, _ := sandboxService(t, mem)
	ctx := context.Background()
	tenant := sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/"
	mailbox := func(name, login string) Input {
		return Input{Name: name, Login: login, IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr(), SMTPSecurity: "starttls"}
	}
	reg := func(acct Input, hold bool) *Registered {
		t.Helper()
		res, probs := s.Register(ctx, RegisterRequest{AdminOptions: AdminOptions{Admin: "admin@contoso.example"}, Tenant: tenant,
			Flow: "app", Account: acct, HoldSecret: hold})
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		return res
	}
	secrets := func(clientID string) int {
		app, _ := sb.Identity.LookupApp(clientID)
		return len(app.Secrets)
	}

	first := reg(mailbox("info", "info@contoso.example"), false)
	if !first.SecretAdded || first.SecretFrom != "" || secrets(first.ClientID) != 1 {
		t.Fatalf("first: added %v from %q, %d secrets in Entra", first.SecretAdded, first.SecretFrom, secrets(first.ClientID))
	}
	kept, _ := mem.Get(ctx, secret.ClientSecretKey("info"))

	// The wizard, again: the registration is found by name, info's secret
	// is held for the account its mailbox step adds.
	again := reg(Input{}, true)
	if again.ClientID != first.ClientID || again.SecretAdded || again.SecretFrom != "info" || !again.SecretHeld || secrets(first.ClientID) != 1 {
		t.Fatalf("wizard rerun: client %s, added %v from %q held %v, %d secrets in Entra",
			again.ClientID, again.SecretAdded, again.SecretFrom, again.SecretHeld, secrets(first.ClientID))
	}
	in := mailbox("buchhaltung", "buchhaltung@contoso.example")
	in.Tenant, in.ClientID, in.Flow = tenant, again.ClientID, "app"
	if _, probs := s.Add(ctx, in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if v, _ := mem.Get(ctx, secret.ClientSecretKey("buchhaltung")); v != kept {
		t.Error("the wizard's account did not get info's secret")
	}

	// `register --account` for a third mailbox: info's secret again.
	third := reg(mailbox("alarm", "alarm@contoso.example"), false)
	if v, _ := mem.Get(ctx, secret.ClientSecretKey("alarm")); v != kept || third.SecretAdded || third.SecretFrom == "" || secrets(first.ClientID) != 1 {
		t.Fatalf("register --account: same secret %v, added %v from %q, %d secrets in Entra", v == kept, third.SecretAdded, third.SecretFrom, secrets(first.ClientID))
	}

	// No account keeps one any more: a new secret, and the result says so.
	for _, n := range []string{"info", "buchhaltung", "alarm"} {
		if p := s.Remove(ctx, n); p != nil {
			t.Fatal(p)
		}
	}
	fresh := reg(Input{}, true)
	if !fresh.SecretAdded || fresh.SecretFrom != "" || !fresh.SecretHeld || secrets(first.ClientID) != 2 {
		t.Fatalf("no account left: added %v from %q held %v, %d secrets in Entra", fresh.SecretAdded, fresh.SecretFrom, fresh.SecretHeld, secrets(first.ClientID))
	}
}
