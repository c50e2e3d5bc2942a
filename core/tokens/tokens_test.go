package tokens

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/oauth"
	"mailoauth/core/sandbox/certs"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

type env struct {
	id      *identity.Server
	store   *account.Store
	secrets *secret.Memory
	acct    *account.Account
}

func setup(t *testing.T, rtBytes int) *env {
	t.Helper()
	ca, _ := certs.NewCA()
	// Strict rotation: a refresh token redeemed twice fails at once, so a
	// broken account lock shows up as invalid_grant instead of passing
	// unseen (Entra would keep the old token valid and hide it).
	id, err := identity.New(identity.Options{CA: ca, AutoConsent: true, RefreshTokenBytes: rtBytes, StrictRotation: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { id.Close() })
	a, probs := account.Input{Name: "anna", Login: "anna@contoso.example", Tenant: id.Authority() + "/" + id.TenantID() + "/",
		ClientID: identity.PublicClientID, POP3: "off"}.Build()
	if len(probs) > 0 {
		t.Fatal(probs[0])
	}
	return &env{id: id, store: account.Open(t.TempDir()), secrets: &secret.Memory{MaxValue: secret.WindowsLimit}, acct: a}
}

func (e *env) manager() *Manager {
	return &Manager{Secrets: e.secrets, Locker: e.store, HTTPClient: e.id.HTTPClient()}
}

func (e *env) browser() func(string) error {
	return func(u string) error {
		resp, err := e.id.HTTPClient().Get(u)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return err
	}
}

func TestAuthorizeRefreshRotation(t *testing.T) {
	e := setup(t, 3000) // longer than the Windows limit: stored split
	m := e.manager()
	ctx := context.Background()
	if _, p := m.AccessToken(ctx, e.acct); p == nil || p.Code != "tokens.not_authorized" || p.Level != status.Yellow {
		t.Fatalf("before authorize: %v", p)
	}
	tok, claims, p := m.Authorize(ctx, e.acct, oauth.SignInOptions{OpenBrowser: e.browser()})
	if p != nil {
		t.Fatal(p)
	}
	if claims.User() != "anna@contoso.example" {
		t.Errorf("claims user %q", claims.User())
	}
	stored, err := e.secrets.Get(ctx, signInOf(e.acct).refresh)
	if err != nil || stored != tok.RefreshToken || len(stored) < 3000 || e.secrets.Entries() < 3 {
		t.Fatalf("refresh token not stored split: %d bytes, %d entries, %v", len(stored), e.secrets.Entries(), err)
	}
	// Cached while valid: no refresh.
	at, p := m.AccessToken(ctx, e.acct)
	if p != nil || at != tok.AccessToken || e.id.RefreshCount("anna@contoso.example") != 0 {
		t.Fatalf("cache: %v", p)
	}
	// Near expiry: refresh, and the rotated refresh token is persisted.
	m.Now = func() time.Time { return time.Now().Add(58 * time.Minute) }
	at2, p := m.AccessToken(ctx, e.acct)
	if p != nil || at2 == at {
		t.Fatalf("refresh: %v", p)
	}
	rotated, _ := e.secrets.Get(ctx, signInOf(e.acct).refresh)
	if rotated == stored {
		t.Fatal("rotated refresh token not persisted")
	}
	// The old one is dead at the identity platform.
	cfg := oauth.ConfigFor(e.acct, "", e.id.HTTPClient())
	if _, p := oauth.Refresh(ctx, &cfg, stored); p == nil {
		t.Fatal("old refresh token still works")
	}
	// Revoked: yellow, re-authorize.
	e.id.RevokeUser("anna@contoso.example")
	fresh := e.manager()
	fresh.Now = later // the kept access token has run out: a refresh is due
	if _, p := fresh.AccessToken(ctx, e.acct); p == nil || p.Level != status.Yellow || p.Code != "entra.aadsts.50173" {
		t.Fatalf("revoked: %v", p)
	} else if strings.Contains(p.Error(), rotated) || strings.Contains(p.Detail, rotated) {
		t.Error("token in problem")
	}
	if p := m.Logout(ctx, e.acct); p != nil {
		t.Fatal(p)
	}
	if _, err := e.secrets.Get(ctx, signInOf(e.acct).refresh); !secret.IsNotFound(err) {
		t.Error("logout left the refresh token")
	}
	if e.secrets.Entries() != 0 {
		t.Errorf("%d keyring entries left after logout", e.secrets.Entries())
	}
}

// TestTwoProcessesNeverSpendTheSameToken: two managers (think: the GUI and a
// scheduled check) share the keyring and the account lock and refresh at the
// same time; each must end up with a valid token, none with invalid_grant.
func TestTwoProcessesNeverSpendTheSameToken(t *testing.T) {
	e := setup(t, 0)
	ctx := context.Background()
	if _, _, p := e.manager().Authorize(ctx, e.acct, oauth.SignInOptions{OpenBrowser: e.browser()}); p != nil {
		t.Fatal(p)
	}
	later := func() time.Time { return time.Now().Add(2 * time.Hour) }
	var wg sync.WaitGroup
	errs := make(chan *status.Problem, 8)
	for i := 0; i < 4; i++ {
		m := e.manager()
		m.Now = later
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two callers per manager: they coalesce into one refresh.
			var inner sync.WaitGroup
			for j := 0; j < 2; j++ {
				inner.Add(1)
				go func() {
					defer inner.Done()
					if _, p := m.AccessToken(ctx, e.acct); p != nil {
						errs <- p
					}
				}()
			}
			inner.Wait()
		}()
	}
	wg.Wait()
	close(errs)
	for p := range errs {
		t.Errorf("concurrent refresh failed: %v", p)
	}
	if n := e.id.RefreshCount("anna@contoso.example"); n != 4 {
		t.Errorf("%d refreshes, want 4 (one per manager)", n)
	}
}

func TestAppOnly(t *testing.T) {
	e := setup(t, 0)
	e.acct.ClientID = identity.ConfidentialClientID
	e.acct.Flow = account.FlowApp
	e.acct.HasClientSecret = true
	m := e.manager()
	ctx := context.Background()
	if _, p := m.AccessToken(ctx, e.acct); p == nil || p.Code != "oauth.no_client_secret" {
		t.Fatalf("no secret: %v", p)
	}
	e.secrets.Set(ctx, secret.ClientSecretKey("anna"), e.id.ConfidentialSecret())
	c, p := m.Claims(ctx, e.acct)
	if p != nil || len(c.Roles) == 0 {
		t.Fatalf("app token: %v %+v", p, c)
	}
}
