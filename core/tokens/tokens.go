// Package tokens is the one place that hands out access tokens, for the CLI
// and the GUI alike. Refresh tokens live in the keyring (core/secret), and so
// does the current access token with its expiry: one token request per
// access-token lifetime, however many processes check the account. A
// refresh happens under a per-account lock that spans processes, and the
// rotated refresh token is stored before the new access token is used.
package tokens

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/oauth"
	"mailoauth/core/redact"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

// Locker serialises refreshes of one account across processes
// (account.Store implements it).
type Locker interface {
	LockAccount(ctx context.Context, name string) (release func(), err error)
}

// ReuseMargin: an access token is reused while it is valid for at least this
// long. A check must never start with a token that dies halfway, and
// Exchange's High Volume Email endpoint refuses tokens that expire within
// minutes ("501 5.5.127 … Token will expire soon"; sasl-xoauth2 advises at
// least 600 s).
const ReuseMargin = 10 * time.Minute

// Manager hands out tokens. The zero value is not usable: set Secrets and
// Locker.
type Manager struct {
	Secrets    secret.Store
	Locker     Locker
	HTTPClient *http.Client
	Now        func() time.Time
	// Observe, if set, is told of every delegated sign-in and every
	// refresh that worked (token health); app-only accounts have neither.
	Observe func(Event)

	mu      sync.Mutex
	cache   map[string]cached
	flights map[string]*flight

	joined func(name string) // test hook: a caller waits for another's refresh
}

type flight struct {
	done         chan struct{}
	tok          string
	p            *status.Problem
	leaderGaveUp bool // the leader's context ended: its result says nothing
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// cached is an access token held in memory; fresh says it came from the
// identity platform in this process rather than from the keyring.
type cached struct {
	tok   *oauth.Token
	fresh bool
}

func (m *Manager) reusable(t *oauth.Token) bool { return t.Expiry.Sub(m.now()) >= ReuseMargin }

// cacheKey names an account's access token in memory: its sign-in and the
// settings it is asked for, so accounts sharing both share the token.
func cacheKey(a *account.Account) string {
	cfg := oauth.ConfigFor(a, "", nil)
	return signInOf(a).lock + "\x00" + settingsDigest(a, &cfg)
}

func (m *Manager) cachedLocked(key string) (*oauth.Token, bool) {
	c, ok := m.cache[key]
	if !ok || !m.reusable(c.tok) {
		return nil, false
	}
	return c.tok, true
}

func (m *Manager) store(a *account.Account, t *oauth.Token, fresh bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cache == nil {
		m.cache = map[string]cached{}
	}
	m.cache[cacheKey(a)] = cached{t, fresh}
}

// Forget drops the in-memory access tokens of the account's sign-in (the
// keyring's stay: see SettingsChanged and Logout).
func (m *Manager) Forget(a *account.Account) {
	prefix := signInOf(a).lock + "\x00"
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.cache {
		if strings.HasPrefix(k, prefix) {
			delete(m.cache, k)
		}
	}
}

func (m *Manager) clientSecret(ctx context.Context, a *account.Account) (string, *status.Problem) {
	if !a.HasClientSecret && a.Flow != account.FlowApp {
		return "", nil
	}
	s, err := m.Secrets.Get(ctx, secret.ClientSecretKey(a.Name))
	if secret.IsNotFound(err) {
		return "", status.New(status.Red, "oauth.no_client_secret")
	}
	if err != nil {
		return "", asProblem(err)
	}
	redact.Add(s)
	return s, nil
}

func asProblem(err error) *status.Problem {
	if p, ok := status.AsProblem(err); ok {
		return p
	}
	return status.New(status.Red, "secret.failed").WithDetail(redact.String(err.Error())).Wrap(err)
}

// Authorize signs the account in through the browser (or the paste
// fallback, per a.Redirect; or a code on another device, per a.Flow), stores the refresh token in the keyring and
// keeps the access token in memory. An app-only account has nobody to sign
// in: it fetches a client-credentials token instead, which proves the
// client secret and the app's roles.
//
// opts.Timeout bounds the whole of it — the wait for the browser or the
// other device, the code redemption, the account lock; without it a
// browser sign-in waits oauth.DefaultTimeout and a device sign-in until its
// code expires. Only storing the new refresh token may run on (see persist).
func (m *Manager) Authorize(ctx context.Context, a *account.Account, opts oauth.SignInOptions) (*oauth.Token, oauth.Claims, *status.Problem) {
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	cs, p := m.clientSecret(ctx, a)
	if p != nil {
		return nil, oauth.Claims{}, p
	}
	cfg := oauth.ConfigFor(a, cs, m.HTTPClient)
	settings := settingsDigest(a, &cfg)
	si := signInOf(a)
	if a.Flow == account.FlowApp {
		m.Forget(a)
		tok, p := oauth.ClientCredentials(ctx, &cfg)
		if p != nil {
			return nil, oauth.Claims{}, p
		}
		m.keepStored(ctx, si, settings, tok)
		m.store(a, tok, true)
		claims, _ := oauth.DecodeClaims(tok.AccessToken)
		return tok, claims, nil
	}
	var tok *oauth.Token
	if a.Flow == account.FlowDevice || opts.Device {
		tok, p = oauth.SignInDevice(ctx, &cfg, opts.OnDeviceCode)
	} else {
		tok, p = oauth.SignIn(ctx, &cfg, opts)
	}
	if p != nil {
		return nil, oauth.Claims{}, p
	}
	if tok.RefreshToken == "" {
		return nil, oauth.Claims{}, status.New(status.Red, "tokens.no_refresh_token")
	}
	lctx, lcancel := context.WithTimeout(ctx, LockWait)
	release, err := m.Locker.LockAccount(lctx, si.lock)
	lcancel()
	if err != nil {
		return nil, oauth.Claims{}, asProblem(err)
	}
	err = m.persist(ctx, si.refresh, tok.RefreshToken)
	if err == nil {
		// The new sign-in replaces what the old one left: its access
		// tokens, and a refresh token an older version kept under the
		// account's name.
		m.Forget(a)
		_ = m.Secrets.Delete(ctx, si.access)
		if si.shared() {
			_ = m.Secrets.Delete(ctx, secret.RefreshTokenKey(a.Name))
		}
		m.keepStored(ctx, si, settings, tok)
	}
	release()
	if err != nil {
		return nil, oauth.Claims{}, asProblem(err)
	}
	m.store(a, tok, true)
	claims, _ := oauth.DecodeClaims(tok.AccessToken)
	m.observe(a.Name, Authorized, claims.User())
	return tok, claims, nil
}

// AccessToken returns a valid access token for the account, refreshing it
// when needed. Callers in one process share one refresh; a caller whose
// refresh was cut short by the first caller's cancellation tries again under
// its own context.
func (m *Manager) AccessToken(ctx context.Context, a *account.Account) (string, *status.Problem) {
	key := cacheKey(a)
	for {
		m.mu.Lock()
		if t, ok := m.cachedLocked(key); ok {
			m.mu.Unlock()
			return t.AccessToken, nil
		}
		if m.flights == nil {
			m.flights = map[string]*flight{}
		}
		f, running := m.flights[key]
		if !running {
			f = &flight{done: make(chan struct{})}
			m.flights[key] = f
		}
		m.mu.Unlock()

		if running {
			if m.joined != nil {
				m.joined(a.Name)
			}
			select {
			case <-f.done:
				if f.leaderGaveUp && ctx.Err() == nil {
					continue
				}
				return f.tok, f.p
			case <-ctx.Done():
				return "", status.New(status.Yellow, "oauth.canceled").Wrap(ctx.Err())
			}
		}
		f.tok, f.p = m.fetch(ctx, a)
		f.leaderGaveUp = f.p != nil && ctx.Err() != nil
		m.mu.Lock()
		delete(m.flights, key)
		m.mu.Unlock()
		close(f.done)
		return f.tok, f.p
	}
}

// Source is the account's token supply in the form a check takes it
// (mailcheck.Job.Token).
func (m *Manager) Source(a *account.Account) func(context.Context) (string, *status.Problem) {
	return func(ctx context.Context) (string, *status.Problem) { return m.AccessToken(ctx, a) }
}

// PersistTimeout bounds storing a refresh token in the keyring.
const PersistTimeout = 30 * time.Second

// persist stores a refresh token that Entra has just issued. It runs even
// when the caller has given up in the meantime: the old token is already
// spent, so dropping the new one would sign the account out.
func (m *Manager) persist(ctx context.Context, key, refreshToken string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), PersistTimeout)
	defer cancel()
	return m.Secrets.Set(ctx, key, refreshToken)
}

// LockWait bounds the wait for another process's refresh of the same
// account (a refresh itself is bounded by oauth.RequestTimeout).
const LockWait = 90 * time.Second

func (m *Manager) fetch(ctx context.Context, a *account.Account) (string, *status.Problem) {
	cs, p := m.clientSecret(ctx, a)
	if p != nil {
		return "", p
	}
	cfg := oauth.ConfigFor(a, cs, m.HTTPClient)
	settings := settingsDigest(a, &cfg)
	si := signInOf(a)
	if t := m.loadStored(ctx, si, settings); t != nil {
		m.store(a, t, false)
		return t.AccessToken, nil
	}
	lctx, lcancel := context.WithTimeout(ctx, LockWait)
	release, err := m.Locker.LockAccount(lctx, si.lock)
	lcancel()
	if err != nil {
		return "", asProblem(err)
	}
	defer release()
	// Another process may have fetched a token while we waited for the
	// lock; then it is ours too, and its rotated refresh token is the only
	// one that still works.
	if t := m.loadStored(ctx, si, settings); t != nil {
		m.store(a, t, false)
		return t.AccessToken, nil
	}
	var tok *oauth.Token
	if a.Flow == account.FlowApp {
		if tok, p = oauth.ClientCredentials(ctx, &cfg); p != nil {
			return "", p
		}
	} else {
		rt, err := m.refreshToken(ctx, si)
		if secret.IsNotFound(err) {
			return "", status.New(status.Yellow, "tokens.not_authorized", "name", a.Name)
		}
		if err != nil {
			return "", asProblem(err)
		}
		redact.Add(rt)
		if tok, p = oauth.Refresh(ctx, &cfg, rt); p != nil {
			return "", p
		}
		if tok.RefreshToken != "" && tok.RefreshToken != rt {
			if err := m.persist(ctx, si.refresh, tok.RefreshToken); err != nil {
				return "", status.New(status.Red, "tokens.persist_failed", "name", a.Name).WithDetail(redact.String(err.Error())).Wrap(err)
			}
		}
	}
	m.keepStored(ctx, si, settings, tok)
	m.store(a, tok, true)
	if a.Flow != account.FlowApp {
		m.observe(a.Name, Refreshed, "")
	}
	return tok.AccessToken, nil
}

// Renew is for a token that a mail server has just refused: when it came
// from a cache (this process's or the keyring), it is dropped and a new one
// fetched — the server may have ended it early (revoked, permissions
// changed). A token fetched fresh in this process is returned as it is:
// asking again would only repeat the answer.
func (m *Manager) Renew(ctx context.Context, a *account.Account, refused string) (string, *status.Problem) {
	key := cacheKey(a)
	m.mu.Lock()
	c, ok := m.cache[key]
	if ok && c.tok.AccessToken == refused {
		if c.fresh {
			m.mu.Unlock()
			return refused, nil
		}
		delete(m.cache, key)
	}
	m.mu.Unlock()
	if ok && c.tok.AccessToken == refused {
		dctx, cancel := context.WithTimeout(ctx, PersistTimeout)
		_ = m.Secrets.Delete(dctx, signInOf(a).access)
		cancel()
	}
	return m.AccessToken(ctx, a)
}

// Claims returns the decoded claims of the account's current access token.
func (m *Manager) Claims(ctx context.Context, a *account.Account) (oauth.Claims, *status.Problem) {
	tok, p := m.AccessToken(ctx, a)
	if p != nil {
		return oauth.Claims{}, p
	}
	c, err := oauth.DecodeClaims(tok)
	if err != nil {
		return oauth.Claims{}, status.New(status.Red, "tokens.not_jwt").Wrap(err)
	}
	return c, nil
}

// Logout forgets the account's sign-in, in the keyring and in memory —
// and so signs out every account that shares it, as authorizing one
// authorizes them all.
func (m *Manager) Logout(ctx context.Context, a *account.Account) *status.Problem {
	m.Forget(a)
	si := signInOf(a)
	for _, k := range []string{si.access, si.refresh, secret.AccessTokenKey(a.Name), secret.RefreshTokenKey(a.Name)} {
		if err := m.Secrets.Delete(ctx, k); err != nil {
			return asProblem(err)
		}
	}
	return nil
}
