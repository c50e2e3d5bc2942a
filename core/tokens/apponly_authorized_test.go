package tokens

import (
	"context"
	"testing"

	"mailoauth/core/account"
	"mailoauth/core/secret"
)

// An app-only account never signs in and has no refresh token: it is ready
// when its client secret is in the keyring. "Authorized: no" for an app-only
// account whose checks are green sends the helpdesk to an Authorize that
// does not apply.
func TestAppOnlyAccountIsAuthorizedByItsClientSecret(t *testing.T) {
	ctx := context.Background()
	mem := &secret.Memory{}
	m := &Manager{Secrets: mem}
	a := &account.Account{Name: "app", Login: "info@contoso.example", Tenant: "contoso.example",
		ClientID: "0b3c1a2d-4e5f-6789-abcd-ef0123456789", Flow: account.FlowApp}
	if ok, err := m.IsAuthorized(ctx, a); ok || err != nil {
		t.Fatalf("without a client secret: %v %v", ok, err)
	}
	if err := mem.Set(ctx, secret.ClientSecretKey("app"), "s3cr3t~value"); err != nil {
		t.Fatal(err)
	}
	if ok, err := m.IsAuthorized(ctx, a); !ok || err != nil {
		t.Errorf("with its client secret: %v %v", ok, err)
	}
}
