package oauth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/entra"
	"mailoauth/core/netproxy"
	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// Token is the answer of the token endpoint.
type Token struct {
	AccessToken  string
	RefreshToken string
	IDToken      string
	Expiry       time.Time
	Scope        string
}

type tokenJSON struct {
	AccessToken  string          `json:"access_token"`
	RefreshToken string          `json:"refresh_token"`
	IDToken      string          `json:"id_token"`
	ExpiresIn    json.Number     `json:"expires_in"`
	Scope        string          `json:"scope"`
	Error        json.RawMessage `json:"error"`
}

// postToken sends one token request. The client goes in the form
// (x/oauth2's AuthStyleInParams): Entra rejects an empty Basic secret for a
// public client, and a one-time code must not be spent on a first try that
// fails.
func (c *Config) postToken(ctx context.Context, form url.Values) (*Token, *status.Problem) {
	if _, ok := ctx.Deadline(); !ok {
		// A silent proxy or firewall must not hang a check for ever.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, RequestTimeout)
		defer cancel()
	}
	form.Set("client_id", c.ClientID)
	if c.ClientSecret != "" {
		form.Set("client_secret", c.ClientSecret)
		redact.Add(c.ClientSecret)
	}
	code, retryAfter, body, p := c.postForm(ctx, c.TokenURL(), form)
	if p == nil && entra.TemporaryStatus(code) {
		// One more try after a pause heals a single failing front end;
		// a second failure is reported. Never more: a scheduled check of
		// many accounts must not hammer a service that is in trouble.
		wait := retryBackoff
		if retryAfter > 0 {
			wait = retryAfter
		}
		if wait <= entra.MaxRetryAfter && sleepCtx(ctx, wait) {
			code, retryAfter, body, p = c.postForm(ctx, c.TokenURL(), form)
		}
	}
	if p != nil {
		return nil, p
	}
	return tokenAnswer(code, retryAfter, body, time.Now())
}

// maxExpiresIn bounds expires_in: Entra's access tokens live 60–90
// minutes, at most a day with a token lifetime policy. A larger value is a
// broken answer, and multiplied into a Duration it would overflow into an
// expiry in the past (or far future) and break the reuse of tokens.
const maxExpiresIn = 24 * 60 * 60

// tokenAnswer reads the token endpoint's answer received at now.
func tokenAnswer(code int, retryAfter time.Duration, body []byte, now time.Time) (*Token, *status.Problem) {
	if code != http.StatusOK {
		return nil, entra.ParseAnswer(code, retryAfter, body)
	}
	var tj tokenJSON
	if err := json.Unmarshal(body, &tj); err != nil || tj.AccessToken == "" {
		return nil, entra.Parse(code, body)
	}
	redact.Add(tj.AccessToken, tj.RefreshToken, tj.IDToken)
	t := &Token{AccessToken: tj.AccessToken, RefreshToken: tj.RefreshToken, IDToken: tj.IDToken, Scope: tj.Scope}
	secs, _ := tj.ExpiresIn.Int64()
	if secs <= 0 {
		secs = 3600
	}
	secs = min(secs, maxExpiresIn)
	t.Expiry = now.Add(time.Duration(secs) * time.Second)
	return t, nil
}

// retryBackoff is the pause before the one retry of a token request that
// got a 5xx or 429 without a Retry-After.
const retryBackoff = time.Second

// sleepCtx waits d unless ctx ends first or has too little time left for
// the wait and a request after it; it reports whether to go on.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d+time.Second {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// postForm posts a form to the identity platform and reads the answer (at
// most 1 MiB) and its Retry-After; a network failure comes back as a
// problem naming the host.
func (c *Config) postForm(ctx context.Context, target string, form url.Values) (int, time.Duration, []byte, *status.Problem) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, 0, nil, status.New(status.Red, "oauth.bad_authority", "url", c.Authority).Wrap(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.client().Do(req)
	if err != nil {
		return 0, 0, nil, netProblem(ctx, target, c.proxyFor(req), err)
	}
	defer resp.Body.Close()
	noteServerDate(resp.Header, time.Now())
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, 0, nil, netProblem(ctx, target, "", err)
	}
	return resp.StatusCode, entra.RetryAfter(resp.Header.Get("Retry-After"), time.Now()), body, nil
}

// RequestTimeout bounds one token request when the caller's context has no
// deadline of its own.
const RequestTimeout = 30 * time.Second

// proxyFor names the proxy a request goes through ("" for none), so a
// failure can say whether the proxy or the identity platform is the
// obstacle. Only a plain *http.Transport can tell.
func (c *Config) proxyFor(req *http.Request) string {
	tr, ok := c.client().Transport.(*http.Transport)
	if c.client().Transport == nil {
		tr, ok = http.DefaultTransport.(*http.Transport)
	}
	if !ok || tr.Proxy == nil {
		return ""
	}
	u, err := tr.Proxy(req)
	if err != nil || u == nil {
		return ""
	}
	return u.Host // never the user:password part
}

// netProblem explains why the identity platform could not be reached.
func netProblem(ctx context.Context, target, proxy string, err error) *status.Problem {
	host := target
	if u, perr := url.Parse(target); perr == nil {
		host = u.Host
	}
	detail := redact.String(err.Error())
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return status.New(status.Yellow, "oauth.canceled").Wrap(err)
	case netproxy.Problem(err) != nil:
		return netproxy.Problem(err)
	case errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci), errors.As(err, &rh),
		strings.Contains(err.Error(), "tls:"), strings.Contains(err.Error(), "x509:"):
		return status.New(status.Red, "oauth.tls", "host", host).WithDetail(detail).Wrap(err)
	}
	// No answer in time is the service's (or the network's) passing
	// trouble, not a setting to fix.
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return entra.NoAnswer(host, err)
	}
	// A name that does not resolve is named as such: a typo in the
	// authority or a broken DNS, not a closed port.
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return status.New(status.Red, "oauth.dns", "host", host, "name", dns.Name).WithDetail(detail).Wrap(err)
	}
	// Everything else is the network: refused, reset, proxy.
	if proxy != "" {
		return status.New(status.Red, "oauth.unreachable_proxy", "host", host, "proxy", proxy).WithDetail(detail).Wrap(err)
	}
	return status.New(status.Red, "oauth.unreachable", "host", host).WithDetail(detail).Wrap(err)
}

// Exchange redeems an authorization code (PKCE verifier included).
func Exchange(ctx context.Context, c *Config, code, verifier, redirectURI string) (*Token, *status.Problem) {
	redact.Add(code, verifier)
	return c.postToken(ctx, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {redirectURI},
		"code_verifier": {verifier},
		"scope":         {strings.Join(c.Scopes, " ")},
	})
}

// Refresh redeems a refresh token. It always sends the scope (Entra answers
// AADSTS900144 otherwise), and the answer carries a NEW refresh token that
// the caller must persist at once: the old one is spent.
func Refresh(ctx context.Context, c *Config, refreshToken string) (*Token, *status.Problem) {
	redact.Add(refreshToken)
	return c.postToken(ctx, url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
		"scope":         {strings.Join(c.Scopes, " ")},
	})
}

// ClientCredentials gets an app-only token (scope .default of Exchange
// Online in the authority's cloud).
func ClientCredentials(ctx context.Context, c *Config) (*Token, *status.Problem) {
	if c.ClientSecret == "" {
		return nil, status.New(status.Red, "oauth.no_client_secret")
	}
	scope := c.AppScope
	if scope == "" {
		scope = account.CloudOf(c.Authority).AppScope
	}
	return c.postToken(ctx, url.Values{"grant_type": {"client_credentials"}, "scope": {scope}})
}
