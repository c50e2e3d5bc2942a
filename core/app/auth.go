package app

import (
	"context"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/oauth"
	"mailoauth/core/status"
)

// DeviceCode is what the user types on another device, and where.
type DeviceCode struct {
	Code, URL string
	Expires   time.Time
}

// BrowserOptions shape a round trip through the browser (sign-in, admin
// consent).
type BrowserOptions struct {
	// Timeout bounds the wait for the browser (0: five minutes).
	Timeout time.Duration
	// NoBrowser only reports the address (OnURL); nothing is opened.
	NoBrowser bool
	// OnURL gets the address, to print or show for opening by hand.
	OnURL func(url string)
	// OnWaiting gets the moment the wait ends.
	OnWaiting func(deadline time.Time)
}

// AuthorizeOptions shape a sign-in.
type AuthorizeOptions struct {
	BrowserOptions
	// Device signs in with a code on another device (also when the
	// account's flow says so).
	Device       bool
	OnDeviceCode func(DeviceCode)
	// ReadPasted reads the address the browser ended on, for accounts whose
	// redirect is Microsoft's nativeclient page.
	ReadPasted func(ctx context.Context) (string, error)
	// ReadErrorCode reads what the user types while the browser sign-in
	// waits: the AADSTS code Microsoft's page shows ends the wait with our
	// text for it.
	ReadErrorCode func(ctx context.Context) (string, error)
}

// Authorized is the outcome of a sign-in.
type Authorized struct {
	// User is who signed in, from the token ("" when it names nobody).
	User string
	// Warnings: someone other than the login signed in, or the token lacks
	// a permission an enabled protocol needs.
	Warnings []*status.Problem
	// Shared names the other accounts that share this sign-in (the same
	// tenant, app and login): they are authorized with it.
	Shared []string
}

func (s *Service) signInOptions(o BrowserOptions) oauth.SignInOptions {
	opts := oauth.SignInOptions{Lang: s.lang, OnURL: o.OnURL, OnWaiting: o.OnWaiting, OpenBrowser: s.browser, Timeout: o.Timeout}
	if o.NoBrowser {
		opts.OpenBrowser = func(string) error { return nil }
	}
	return opts
}

// Authorize signs the account in and keeps the refresh token in the
// keyring; it says who signed in and warns about a wrong user or a missing
// permission.
func (s *Service) Authorize(ctx context.Context, name string, o AuthorizeOptions) (*Authorized, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return nil, p
	}
	opts := s.signInOptions(o.BrowserOptions)
	opts.ReadPasted = o.ReadPasted
	opts.ReadErrorCode = o.ReadErrorCode
	opts.Device = o.Device
	if o.OnDeviceCode != nil {
		opts.OnDeviceCode = func(d *oauth.DeviceCode) {
			o.OnDeviceCode(DeviceCode{Code: d.UserCode, URL: d.VerificationURI, Expires: d.Expires})
		}
	}
	_, claims, p := s.tokens.Authorize(ctx, a, opts)
	if p != nil {
		s.log.Printf("authorize %s failed: %s", a.Name, p.Error())
		return nil, p
	}
	res := &Authorized{User: claims.User()}
	res.Warnings = tokenWarnings(claims, a)
	list, _ := s.store.List()
	res.Shared = sharingSignIn(list, a.Name)[1:]
	s.log.Printf("authorized %s as %s", a.Name, res.User)
	return res, nil
}

// tokenWarnings is what a token says against the account: signed in as
// someone else, a permission missing for an enabled protocol, out of its
// validity — and this computer's clock far off Microsoft's.
func tokenWarnings(c oauth.Claims, a *Account) []*status.Problem {
	var out []*status.Problem
	if w := oauth.CheckUser(c, a.Login); w != nil && a.Flow != account.FlowApp {
		out = append(out, w)
	}
	out = append(out, oauth.CheckScopes(c, a)...)
	for _, w := range []*status.Problem{c.ValidAt(time.Now()), oauth.CheckClock()} {
		if w != nil {
			out = append(out, w)
		}
	}
	return out
}

// NeedsAdminConsent reports whether a sign-in failed because an
// administrator must consent for the organisation first (then AdminConsent
// helps).
func NeedsAdminConsent(p *status.Problem) bool { return oauth.NeedsAdminConsent(p) }

// AdminConsent opens the admin-consent page for the account's app and
// tenant: an administrator consents once for the whole organisation.
func (s *Service) AdminConsent(ctx context.Context, name string, o BrowserOptions) *status.Problem {
	a, p := s.store.Get(name)
	if p != nil {
		return p
	}
	cfg := oauth.ConfigFor(a, "", s.http)
	if p := oauth.AdminConsent(ctx, &cfg, s.signInOptions(o)); p != nil {
		s.log.Printf("admin consent for %s failed: %s", a.Name, p.Error())
		return p
	}
	s.log.Printf("admin consent granted for %s", a.Name)
	return nil
}

// Claims are a token's decoded claims, never the token.
type Claims = oauth.Claims

// TokenInfo is what the current access token says, with the same warnings
// as after a sign-in.
type TokenInfo struct {
	Claims
	Warnings []*status.Problem
}

// TokenClaims decodes the account's current access token (fetching one if
// needed).
func (s *Service) TokenClaims(ctx context.Context, name string) (*TokenInfo, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return nil, p
	}
	c, p := s.tokens.Claims(ctx, a)
	if p != nil {
		return nil, p
	}
	return &TokenInfo{Claims: c, Warnings: tokenWarnings(c, a)}, nil
}

// AccessToken is the one way a token leaves the program: a fresh access
// token for helper programs (mutt, msmtp, ...).
func (s *Service) AccessToken(ctx context.Context, name string) (string, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return "", p
	}
	tok, p := s.tokens.AccessToken(ctx, a)
	if p != nil {
		return "", p
	}
	s.log.Printf("access token handed out for %s", a.Name)
	return tok, nil
}

// Logout forgets the account's tokens, in the keyring and in memory.
func (s *Service) Logout(ctx context.Context, name string) *status.Problem {
	a, p := s.store.Get(name)
	if p != nil {
		return p
	}
	if p := s.tokens.Logout(ctx, a); p != nil {
		return p
	}
	if p := s.results.ForgetToken(name); p != nil {
		s.log.Printf("could not forget the token health of %s: %s", name, p.Error())
	}
	s.log.Printf("logged out: %s", name)
	return nil
}
