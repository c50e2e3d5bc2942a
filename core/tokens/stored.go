package tokens

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// loadStored returns the kept access token of the account when it was asked
// for under the same settings and is valid for at least ReuseMargin. Any
// trouble reading it means "none": a refresh is the way out.
func (m *Manager) loadStored(ctx context.Context, name, settings string) *oauth.Token {
	v, err := m.Secrets.Get(ctx, secret.AccessTokenKey(name))
	if err != nil {
		return nil
	}
	var st storedToken
	if json.Unmarshal([]byte(v), &st) != nil || st.Token == "" || st.Settings != settings {
		return nil
	}
	redact.Add(st.Token)
	t := &oauth.Token{AccessToken: st.Token, Expiry: time.Unix(st.Expires, 0)}
	if !m.reusable(t) {
		return nil
	}
	return t
}

// keepStored writes the access token to the keyring. A failure costs only
// one more token request later, so it is not the caller's problem.
func (m *Manager) keepStored(ctx context.Context, name, settings string, t *oauth.Token) {
	b, _ := json.Marshal(storedToken{Settings: settings, Expires: t.Expiry.Unix(), Token: t.AccessToken})
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), PersistTimeout)
	defer cancel()
	_ = m.Secrets.Set(ctx, secret.AccessTokenKey(name), string(b))
}

// SettingsChanged drops the account's access token, in memory and in the
// keyring: it was asked for under the old settings (app, tenant, login,
// protocols). The app service calls it after every change of an account;
// the refresh token stays.
func (m *Manager) SettingsChanged(ctx context.Context, name string) error {
	m.Forget(name)
	return m.Secrets.Delete(ctx, secret.AccessTokenKey(name))
}
