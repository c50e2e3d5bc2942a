package tokens

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/oauth"
	"mailoauth/core/sandbox/certs"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

func (e *env) authorize(t *testing.T, m *Manager) *oauth.Token {
	t.Helper()
	tok, _, p := m.Authorize(context.Background(), e.acct, oauth.SignInOptions{OpenBrowser: e.browser()})
	if p != nil {
		t.Fatal(p)
	}
	return tok
}

func later() time.Time { return time.Now().Add(2 * time.Hour) }

// blockingLocker hands out the real lock, except that the first call waits
// until its context ends (a refresh cut short while it queued).
type blockingLocker struct {
	Locker
	entered chan struct{}
	first   bool
}

func (b *blockingLocker) LockAccount(ctx context.Context, name string) (func(), error) {
	if !b.first {
		b.first = true
		close(b.entered)
		<-ctx.Done()
		return nil, status.New(status.Yellow, "account.lock.busy", "name", name).Wrap(ctx.Err())
	}
	return b.Locker.LockAccount(ctx, name)
}

// TestWaiterOutlivesCanceledLeader: the first caller's refresh is cancelled
// (a closed window); a second caller that was waiting for it must not
// inherit the cancellation but refresh under its own context.
func TestWaiterOutlivesCanceledLeader(t *testing.T) {
	e := setup(t, 0)
	e.authorize(t, e.manager())
	m := e.manager()
	m.Now = later
	bl := &blockingLocker{Locker: e.store, entered: make(chan struct{})}
	m.Locker = bl
	joined := make(chan struct{})
	m.joined = func(string) { close(joined) }

	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leader := make(chan *status.Problem, 1)
	go func() { _, p := m.AccessToken(leaderCtx, e.acct); leader <- p }()
	<-bl.entered
	waiter := make(chan *status.Problem, 1)
	go func() { _, p := m.AccessToken(context.Background(), e.acct); waiter <- p }()
	<-joined
	cancelLeader()
	if p := <-leader; p == nil {
		t.Error("cancelled leader got a token")
	}
	if p := <-waiter; p != nil {
		t.Fatalf("waiter inherited the leader's end: %v", p)
	}
	if n := e.id.RefreshCount("anna@contoso.example"); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
}

// TestLockHeldElsewhere: while another process refreshes the account, a
// caller with a deadline gets a yellow "busy" and spends nothing.
func TestLockHeldElsewhere(t *testing.T) {
	e := setup(t, 0)
	e.authorize(t, e.manager())
	release, err := e.store.LockAccount(context.Background(), signInOf(e.acct).lock)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	m := e.manager()
	m.Now = later
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, p := m.AccessToken(ctx, e.acct); p == nil || p.Code != "account.lock.busy" || p.Level != status.Yellow {
		t.Fatalf("busy: %v", p)
	}
	if n := e.id.RefreshCount("anna@contoso.example"); n != 0 {
		t.Errorf("%d refreshes while locked", n)
	}
}

// failingSet refuses to store (a locked keyring).
type failingSet struct {
	secret.Store
	fail bool
}

func (f *failingSet) Set(ctx context.Context, k, v string) error {
	if f.fail {
		return errors.New("keyring locked: cannot store " + v)
	}
	return f.Store.Set(ctx, k, v)
}

func TestRotatedTokenCannotBeStored(t *testing.T) {
	e := setup(t, 0)
	fs := &failingSet{Store: e.secrets}
	m := &Manager{Secrets: fs, Locker: e.store, HTTPClient: e.id.HTTPClient(), Now: later}
	e.authorize(t, m)
	fs.fail = true
	at, p := m.AccessToken(context.Background(), e.acct)
	if p == nil || p.Code != "tokens.persist_failed" || p.Level != status.Red || at != "" {
		t.Fatalf("persist failure: %q %v", at, p)
	}
	for _, v := range e.id.Issued() {
		if strings.Contains(p.Error()+p.Detail+p.Message(i18n.DE), v) {
			t.Fatalf("problem carries a token: %s", p.Detail)
		}
	}
}

// cancelOnClose cancels the caller's context once the token answer has
// been read: the caller gives up in the instant between Entra's answer and
// the keyring write.
type cancelOnClose struct {
	next   http.RoundTripper
	cancel context.CancelFunc
}

type closer struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c closer) Close() error { err := c.ReadCloser.Close(); c.cancel(); return err }

func (c *cancelOnClose) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, "/token") {
		resp.Body = closer{resp.Body, c.cancel}
	}
	return resp, err
}

// ctxStore gives up when its context has ended, like the OS keyring store.
type ctxStore struct{ secret.Store }

func (c ctxStore) Set(ctx context.Context, k, v string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.Store.Set(ctx, k, v)
}

func TestRotationPersistedWhenCallerGivesUp(t *testing.T) {
	e := setup(t, 0)
	old := e.authorize(t, e.manager()).RefreshToken
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hc := e.id.HTTPClient()
	hc.Transport = &cancelOnClose{next: hc.Transport, cancel: cancel}
	m := &Manager{Secrets: ctxStore{e.secrets}, Locker: e.store, HTTPClient: hc, Now: later}
	m.AccessToken(ctx, e.acct) // the result does not matter; the keyring does
	stored, err := e.secrets.Get(context.Background(), signInOf(e.acct).refresh)
	if err != nil || stored == old {
		t.Fatalf("rotated refresh token lost: %v", err)
	}
	if _, p := e.manager().AccessToken(context.Background(), e.acct); p != nil {
		t.Fatalf("next refresh with the stored token: %v", p)
	}
}

func TestLogout(t *testing.T) {
	e := setup(t, 0)
	m := e.manager()
	e.authorize(t, m)
	ctx := context.Background()
	for i := 0; i < 2; i++ { // twice: a second logout is no error
		if p := m.Logout(ctx, e.acct); p != nil {
			t.Fatal(p)
		}
	}
	if _, p := m.AccessToken(ctx, e.acct); p == nil || p.Code != "tokens.not_authorized" {
		t.Fatalf("after logout: %v", p)
	}
	if msg := status.New(status.Yellow, "tokens.not_authorized", "name", "anna").Fix(i18n.EN); !strings.Contains(msg, "authorize anna") {
		t.Errorf("fix: %s", msg)
	}
}

func TestAuthorizeAppOnly(t *testing.T) {
	e := setup(t, 0)
	e.acct.ClientID = identity.ConfidentialClientID
	e.acct.Flow = account.FlowApp
	e.acct.HasClientSecret = true
	ctx := context.Background()
	e.secrets.Set(ctx, secret.ClientSecretKey("anna"), e.id.ConfidentialSecret())
	m := e.manager()
	opened := false
	tok, c, p := m.Authorize(ctx, e.acct, oauth.SignInOptions{OpenBrowser: func(string) error { opened = true; return nil }})
	if p != nil || tok == nil || opened {
		t.Fatalf("app authorize: %v (browser opened: %v)", p, opened)
	}
	if len(c.Roles) != 3 || c.User() != "" {
		t.Errorf("claims %+v", c)
	}
	if _, err := e.secrets.Get(ctx, signInOf(e.acct).refresh); !secret.IsNotFound(err) {
		t.Error("app-only flow stored a refresh token")
	}
	e.secrets.Set(ctx, secret.ClientSecretKey("anna"), "wrong")
	if _, _, p := e.manager().Authorize(ctx, e.acct, oauth.SignInOptions{}); p == nil || p.Code != "entra.aadsts.7000215" {
		t.Errorf("wrong secret: %v", p)
	}
}

// TestSingleSignOnPickedAnotherUser: the consent page signs in as someone
// else than the account's login, as single sign-on does for the Windows
// user of a helpdesk PC; Authorize succeeds, and the
// claims show the mismatch.
func TestSingleSignOnPickedAnotherUser(t *testing.T) {
	ca, _ := certs.NewCA()
	id, err := identity.New(identity.Options{CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { id.Close() })
	e := setup(t, 0)
	e.id = id
	e.acct.Authority, e.acct.Tenant = id.Authority(), id.TenantID()
	hidden := regexp.MustCompile(`name="request" value="([^"]+)"`)
	asBob := func(u string) error {
		resp, err := id.HTTPClient().Get(u)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := hidden.FindSubmatch(b)
		if m == nil {
			return errors.New("no consent page")
		}
		consent := strings.Replace(strings.SplitN(u, "?", 2)[0], "/authorize", "/consent", 1)
		resp, err = id.HTTPClient().PostForm(consent, url.Values{"request": {string(m[1])}, "answer": {"accept"}, "user": {"bob@contoso.example"}})
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	_, c, p := e.manager().Authorize(context.Background(), e.acct, oauth.SignInOptions{OpenBrowser: asBob})
	if p != nil {
		t.Fatal(p)
	}
	w := oauth.CheckUser(c, e.acct.Login)
	if w == nil || w.Code != "oauth.user_mismatch" || w.Level != status.Yellow || !strings.Contains(w.Message(i18n.DE), "bob@contoso.example") {
		t.Fatalf("mismatch: %v", w)
	}
}
