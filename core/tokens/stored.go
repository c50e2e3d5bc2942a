package tokens

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/oauth"
	"mailoauth/core/redact"
	"mailoauth/core/secret"
)

// The access token is kept in the keyring beside the refresh token, so that
// every process — the window, a check scheduled every 5 minutes, a mutt
// helper — uses one token for its whole lifetime instead of asking the
// identity platform (and rotating the refresh token, and writing the
// keyring) on every start. It is a secret like the refresh token.

// storedToken is the keyring entry. Settings is a digest of everything the
// token was asked for with; a token asked for under other settings (another
// app, tenant, login or set of protocols) is never handed out, even if the
// caller forgot to say that the settings changed.
type storedToken struct {
	Settings string `json:"settings"`
	Expires  int64  `json:"expires"` // Unix seconds, by this machine's clock
	Token    string `json:"access_token"`
}

// settingsDigest identifies what a token of account a is for.
func settingsDigest(a *account.Account, cfg *oauth.Config) string {
	scope := strings.Join(cfg.Scopes, " ")
	if a.Flow == account.FlowApp {
		scope = a.Cloud().AppScope
	}
	h := sha256.Sum256([]byte(strings.Join([]string{cfg.Authority, strings.ToLower(cfg.Tenant), strings.ToLower(cfg.ClientID),
		strings.ToLower(a.Login), string(a.Flow), scope}, "\x00")))
	return hex.EncodeToString(h[:16])
}

// keptTokens is the keyring entry of a sign-in: its access tokens by the
// settings they were asked for (accounts of one sign-in may check other
// protocols, hence other scopes).
type keptTokens map[string]storedToken

func (m *Manager) loadKept(ctx context.Context, si signIn) keptTokens {
	kept := keptTokens{}
	if v, err := m.Secrets.Get(ctx, si.access); err == nil {
		_ = json.Unmarshal([]byte(v), &kept)
	}
	return kept
}

// loadStored returns the kept access token for these settings when it is
// valid for at least ReuseMargin. Any trouble reading it means "none": a
// refresh is the way out.
func (m *Manager) loadStored(ctx context.Context, si signIn, settings string) *oauth.Token {
	st, ok := m.loadKept(ctx, si)[settings]
	if !ok || st.Token == "" || st.Settings != settings {
		return nil
	}
	redact.Add(st.Token)
	t := &oauth.Token{AccessToken: st.Token, Expiry: time.Unix(st.Expires, 0)}
	if !m.reusable(t) {
		return nil
	}
	return t
}

// keepStored writes the access token to the keyring (the caller holds the
// sign-in's lock), dropping the tokens that have run out. A failure costs
// only one more token request later, so it is not the caller's problem.
func (m *Manager) keepStored(ctx context.Context, si signIn, settings string, t *oauth.Token) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), PersistTimeout)
	defer cancel()
	kept := m.loadKept(ctx, si)
	for k, st := range kept {
		if time.Unix(st.Expires, 0).Before(m.now()) {
			delete(kept, k)
		}
	}
	kept[settings] = storedToken{Settings: settings, Expires: t.Expiry.Unix(), Token: t.AccessToken}
	b, _ := json.Marshal(kept)
	_ = m.Secrets.Set(ctx, si.access, string(b))
}

// SettingsChanged drops the access tokens of the account's sign-in, in
// memory and in the keyring: they were asked for under the old settings
// (app, tenant, login, protocols). The app service calls it after every
// change of an account; the refresh token stays.
func (m *Manager) SettingsChanged(ctx context.Context, a *account.Account) error {
	m.Forget(a)
	si := signInOf(a)
	return errors.Join(m.Secrets.Delete(ctx, si.access), m.Secrets.Delete(ctx, secret.AccessTokenKey(a.Name)))
}
