package tokens

import (
	"context"
	"strings"
	"testing"
	"time"

	"mailoauth/core/secret"
)

// TestOneTokenRequestPerLifetime: ten checks, each in a fresh manager (a
// scheduled `mailoauth check` every 5 minutes is a new process each time)
// sharing one keyring, ask the identity platform once — the access token
// is kept in the keyring with its expiry and reused.
func TestOneTokenRequestPerLifetime(t *testing.T) {
	e := setup(t, 0)
	ctx := context.Background()
	e.authorize(t, e.manager())
	// Start from a keyring that holds only the refresh token (a sign-in
	// made before the access token was kept, or after a settings change).
	if err := e.manager().SettingsChanged(ctx, e.acct); err != nil {
		t.Fatal(err)
	}
	if _, err := e.secrets.Get(ctx, signInOf(e.acct).access); !secret.IsNotFound(err) {
		t.Fatalf("settings change left the access token: %v", err)
	}
	var first string
	for i := range 10 {
		at, p := e.manager().AccessToken(ctx, e.acct)
		if p != nil {
			t.Fatalf("check %d: %v", i, p)
		}
		if first == "" {
			first = at
		} else if at != first {
			t.Errorf("check %d got another access token", i)
		}
	}
	n := e.id.RefreshCount("anna@contoso.example")
	t.Logf("10 checks in 10 managers on one keyring: %d token request(s)", n)
	if n != 1 {
		t.Errorf("%d token requests for 10 checks, want 1", n)
	}
	kept, err := e.secrets.Get(ctx, signInOf(e.acct).access)
	if err != nil || !strings.Contains(kept, first) || !strings.Contains(kept, `"expires":`) {
		t.Fatalf("keyring entry: %v", err)
	}

	// Less than ReuseMargin left: a new token, not one that dies halfway
	// (Exchange's High Volume Email refuses tokens about to expire).
	m := e.manager()
	m.Now = func() time.Time { return time.Now().Add(time.Hour - ReuseMargin + time.Minute) }
	if at, p := m.AccessToken(ctx, e.acct); p != nil || at == first {
		t.Fatalf("token near its end reused: %v", p)
	}
	if n := e.id.RefreshCount("anna@contoso.example"); n != 2 {
		t.Errorf("%d token requests, want 2 after the near-expiry one", n)
	}

	// Other settings (SMTP switched off: other scopes) never get the kept
	// token, even without a SettingsChanged call.
	other := *e.acct
	other.SMTP.Enabled = false
	if _, p := e.manager().AccessToken(ctx, &other); p != nil {
		t.Fatal(p)
	}
	if n := e.id.RefreshCount("anna@contoso.example"); n != 3 {
		t.Errorf("%d token requests, want 3: a token for other scopes was reused", n)
	}

	// Re-authorization replaces the kept token; logout drops it.
	tok := e.authorize(t, e.manager())
	if kept, _ := e.secrets.Get(ctx, signInOf(e.acct).access); !strings.Contains(kept, tok.AccessToken) {
		t.Error("authorize did not replace the kept access token")
	}
	if p := e.manager().Logout(ctx, e.acct); p != nil {
		t.Fatal(p)
	}
	if _, err := e.secrets.Get(ctx, signInOf(e.acct).access); !secret.IsNotFound(err) {
		t.Errorf("logout left the access token: %v", err)
	}
}

// TestRenewDropsARefusedCachedToken: a server that refuses a token reused
// from the keyring gets a new one; a token just fetched is not renewed.
func TestRenewDropsARefusedCachedToken(t *testing.T) {
	e := setup(t, 0)
	ctx := context.Background()
	e.authorize(t, e.manager())
	m := e.manager()
	old, p := m.AccessToken(ctx, e.acct) // from the keyring
	if p != nil || e.id.RefreshCount("anna@contoso.example") != 0 {
		t.Fatalf("first: %v", p)
	}
	renewed, p := m.Renew(ctx, e.acct, old)
	if p != nil || renewed == old || e.id.RefreshCount("anna@contoso.example") != 1 {
		t.Fatalf("renew of a cached token: %v, %d refreshes", p, e.id.RefreshCount("anna@contoso.example"))
	}
	again, p := m.Renew(ctx, e.acct, renewed)
	if p != nil || again != renewed || e.id.RefreshCount("anna@contoso.example") != 1 {
		t.Errorf("a fresh token was renewed: %v, %d refreshes", p, e.id.RefreshCount("anna@contoso.example"))
	}
}

// TestSeparateProcessesOneTokenRequest: four real processes check the same
// account at once through one keyring; one of them asks the identity
// platform, the others wait for the account lock and take its token.
func TestSeparateProcessesOneTokenRequest(t *testing.T) {
	r := newProcessRun(t)
	if err := r.manager(nil).SettingsChanged(context.Background(), r.e.acct); err != nil {
		t.Fatal(err)
	}
	const children = 3
	r.race(t, children, r.manager(nil), "MAILOAUTH_TOKENS_CLOCK=real")
	n := r.e.id.RefreshCount("anna@contoso.example")
	t.Logf("%d processes at once on one keyring: %d token request(s)", children+1, n)
	if n != 1 {
		t.Errorf("%d token requests from %d processes, want 1", n, children+1)
	}
}

// TestOldSignInMoves: a refresh token that an older version kept under the
// account's own name still works and moves to the sign-in's key, so an
// update does not sign anybody out.
func TestOldSignInMoves(t *testing.T) {
	e := setup(t, 0)
	ctx := context.Background()
	tok := e.authorize(t, e.manager())
	si := signInOf(e.acct)
	e.secrets.Delete(ctx, si.refresh)
	e.secrets.Delete(ctx, si.access)
	e.secrets.Set(ctx, secret.RefreshTokenKey("anna"), tok.RefreshToken)
	if ok, err := e.manager().IsAuthorized(ctx, e.acct); !ok || err != nil {
		t.Fatalf("old sign-in not seen: %v", err)
	}
	if _, p := e.manager().AccessToken(ctx, e.acct); p != nil {
		t.Fatal(p)
	}
	if _, err := e.secrets.Get(ctx, secret.RefreshTokenKey("anna")); !secret.IsNotFound(err) {
		t.Errorf("old key left: %v", err)
	}
	if _, err := e.secrets.Get(ctx, si.refresh); err != nil {
		t.Errorf("sign-in key: %v", err)
	}
}
