package tokens

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"mailoauth/core/account"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

// signIn is where one sign-in lives in the keyring. A delegate often serves
// many shared mailboxes (info@, buchhaltung@, support@): accounts with the
// same cloud, tenant, app and login share one sign-in — one refresh token,
// one refresh for all of them, one authorization for all of them. The keys
// name the sign-in, not an account, so removing one of the accounts leaves
// the others signed in. An app-only account signs in as the app with its
// own client secret and keeps its keys to itself.
type signIn struct {
	lock    string // the Locker's name for it
	refresh string // keyring key of the refresh token
	access  string // keyring key of the kept access tokens
	account string // the account asked for (older versions kept its sign-in under its name)
}

func signInOf(a *account.Account) signIn {
	if a.Flow == account.FlowApp {
		return signIn{lock: a.Name, refresh: secret.RefreshTokenKey(a.Name), access: secret.AccessTokenKey(a.Name), account: a.Name}
	}
	h := sha256.Sum256([]byte(strings.Join([]string{strings.ToLower(strings.TrimSuffix(a.Authority, "/")),
		strings.ToLower(a.Tenant), strings.ToLower(a.ClientID), strings.ToLower(a.Login)}, "\x00")))
	id := "signin." + hex.EncodeToString(h[:12])
	return signIn{lock: id, refresh: secret.SignInRefreshTokenKey(id), access: secret.SignInAccessTokenKey(id), account: a.Name}
}

// SameSignIn says whether two accounts share one sign-in (and so one
// authorization, one refresh token and its token health).
func SameSignIn(a, b *account.Account) bool { return signInOf(a).lock == signInOf(b).lock }

// shared says whether the sign-in has keys of its own (not the account's).
func (s signIn) shared() bool { return s.refresh != secret.RefreshTokenKey(s.account) }

// refreshToken reads the sign-in's refresh token. One that an older version
// kept under the account's name moves to the sign-in's key (the caller
// holds the sign-in's lock).
func (m *Manager) refreshToken(ctx context.Context, si signIn) (string, error) {
	rt, err := m.Secrets.Get(ctx, si.refresh)
	if !secret.IsNotFound(err) || !si.shared() {
		return rt, err
	}
	rt, err = m.Secrets.Get(ctx, secret.RefreshTokenKey(si.account))
	if err != nil {
		return "", err
	}
	if m.persist(ctx, si.refresh, rt) == nil {
		_ = m.Secrets.Delete(ctx, secret.RefreshTokenKey(si.account))
	}
	return rt, nil
}

// IsAuthorized reports whether the account's sign-in has a refresh token in
// the keyring — for an app-only account, which never signs in, whether its
// client secret is there. A keyring that cannot be read is an error, never
// "no".
func (m *Manager) IsAuthorized(ctx context.Context, a *account.Account) (bool, error) {
	si := signInOf(a)
	keys := []string{si.refresh, secret.RefreshTokenKey(a.Name)}
	if a.Flow == account.FlowApp {
		keys = []string{secret.ClientSecretKey(a.Name)}
	}
	for _, k := range keys {
		_, err := m.Secrets.Get(ctx, k)
		if err == nil {
			return true, nil
		}
		if !secret.IsNotFound(err) {
			return false, err
		}
	}
	return false, nil
}

// Remove deletes the keyring entries of an account that is being removed:
// its own (client secret, keys of older versions) and — only when none of
// the remaining accounts (rest) shares it — its sign-in.
func (m *Manager) Remove(ctx context.Context, a *account.Account, rest []account.Account) *status.Problem {
	if err := secret.DeleteAccount(ctx, m.Secrets, a.Name); err != nil {
		return asProblem(err)
	}
	si := signInOf(a)
	for i := range rest {
		if rest[i].Name != a.Name && SameSignIn(&rest[i], a) {
			return nil
		}
	}
	m.Forget(a)
	for _, k := range []string{si.access, si.refresh} {
		if err := m.Secrets.Delete(ctx, k); err != nil {
			return asProblem(err)
		}
	}
	return nil
}

// Keys lists every keyring key that may hold something of the account: its
// own, those of older versions, and its sign-in's.
func Keys(a *account.Account) []string {
	si := signInOf(a)
	keys := []string{secret.RefreshTokenKey(a.Name), secret.AccessTokenKey(a.Name), secret.ClientSecretKey(a.Name)}
	if si.shared() {
		keys = append(keys, si.refresh, si.access)
	}
	return keys
}
