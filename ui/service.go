package ui

import (
	"context"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/applog"
	"mailoauth/core/card"
	"mailoauth/core/i18n"
	"mailoauth/core/mailcheck"
	"mailoauth/core/oauth"
	"mailoauth/core/report"
	"mailoauth/core/secret"
	"mailoauth/core/status"
	"mailoauth/core/tokens"
	"mailoauth/core/version"
)

// Service is what the window needs from the core; tests give it a fake.
type Service interface {
	Accounts() ([]account.Account, *status.Problem)
	Check(ctx context.Context, names []string, report func(status.Result))
	// Authorize signs the account in; onURL gets the browser address,
	// onDevice the code to type on another device (device code flow).
	Authorize(ctx context.Context, name string, onURL func(string), onDevice func(DeviceCode)) (user string, p *status.Problem)
	Remove(ctx context.Context, name string) *status.Problem
	// AdminConsent opens the admin-consent page for the account's app and
	// waits for the administrator's answer (AADSTS65001, 90094).
	AdminConsent(ctx context.Context, name string) *status.Problem
	// Card is the settings card for a product (card.Products; "" generic).
	Card(name, product string) []card.Field
	// Add validates and stores a new account (the client secret, if any,
	// goes to the keyring only).
	Add(ctx context.Context, in account.Input, clientSecret string) (*account.Account, []*status.Problem)
	// Update replaces an existing account's settings (same name).
	Update(ctx context.Context, in account.Input, clientSecret string) (*account.Account, []*status.Problem)
	SendTest(ctx context.Context, name, to string) status.Result
	Diagnostics(ctx context.Context, name string) string
	LogDir() string
	// RemoveAll forgets every account, its keyring entries and the logs.
	RemoveAll(ctx context.Context) *status.Problem
	// Suggest returns values to prefill the wizard with (the demo knows its
	// sandbox's tenant, app and a user; a real setup has none).
	Suggest() account.Input
}

// coreService adapts the core packages, exactly as the CLI composes them.
type coreService struct {
	store   *account.Store
	secrets secret.Store
	tokens  *tokens.Manager
	check   mailcheck.Options
	lang    i18n.Lang
	browser func(string) error
	suggest account.Input
}

func (s *coreService) Suggest() account.Input { return s.suggest }

func newCoreService(dir string, secrets secret.Store, roots *x509.CertPool, hc *http.Client, lang i18n.Lang) *coreService {
	store := account.Open(dir)
	return &coreService{store: store, secrets: secrets, lang: lang,
		tokens: &tokens.Manager{Secrets: secrets, Locker: store, HTTPClient: hc},
		check:  mailcheck.Options{RootCAs: roots, Version: version.Version}}
}

func (s *coreService) Accounts() ([]account.Account, *status.Problem) { return s.store.List() }

func (s *coreService) Check(ctx context.Context, names []string, report func(status.Result)) {
	list, _ := s.store.List()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var jobs []mailcheck.Job
	for i := range list {
		a := &list[i]
		if len(names) > 0 && !want[a.Name] {
			continue
		}
		jobs = append(jobs, mailcheck.Job{Account: a, Token: func(ctx context.Context) (string, *status.Problem) {
			return s.tokens.AccessToken(ctx, a)
		}})
	}
	mailcheck.Run(ctx, jobs, mailcheck.RunOptions{Check: s.check}, func(r status.Result) {
		s.store.RememberIMAP(&r) // a moved mailbox turns the result yellow
		if report != nil {
			report(r)
		}
	})
}

// DeviceCode is what the user types on another device, and where.
type DeviceCode struct {
	Code, URL string
	Expires   time.Time
}

func (s *coreService) Authorize(ctx context.Context, name string, onURL func(string), onDevice func(DeviceCode)) (string, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return "", p
	}
	opts := oauth.SignInOptions{Lang: s.lang, OnURL: onURL, OpenBrowser: s.browser}
	if onDevice != nil {
		opts.OnDeviceCode = func(d *oauth.DeviceCode) {
			onDevice(DeviceCode{Code: d.UserCode, URL: d.VerificationURI, Expires: d.Expires})
		}
	}
	_, claims, p := s.tokens.Authorize(ctx, a, opts)
	if p != nil {
		return "", p
	}
	return claims.User(), nil
}

func (s *coreService) Remove(ctx context.Context, name string) *status.Problem {
	if err := secret.DeleteAccount(ctx, s.secrets, name); err != nil {
		if p, ok := status.AsProblem(err); ok {
			return p
		}
		return status.New(status.Red, "secret.failed")
	}
	s.tokens.Forget(name)
	return s.store.Remove(name)
}

func (s *coreService) Add(ctx context.Context, in account.Input, clientSecret string) (*account.Account, []*status.Problem) {
	a, probs := in.Build()
	if len(probs) > 0 {
		return nil, probs
	}
	// A domain becomes the tenant's GUID; an unknown one stops here (its
	// message shows on the current wizard page). Offline, the domain stays.
	if _, p := oauth.ResolveTenant(ctx, s.tokens.HTTPClient, a); p != nil && p.Level == status.Red {
		return nil, []*status.Problem{p}
	}
	if a.Flow == account.FlowApp && clientSecret == "" {
		return nil, []*status.Problem{status.New(status.Red, "cli.app_needs_secret")}
	}
	a.HasClientSecret = clientSecret != ""
	if p := s.store.Add(a); p != nil {
		return nil, []*status.Problem{p}
	}
	if clientSecret != "" {
		if err := s.secrets.Set(ctx, secret.ClientSecretKey(a.Name), clientSecret); err != nil {
			s.store.Remove(a.Name)
			if p, ok := status.AsProblem(err); ok {
				return nil, []*status.Problem{p}
			}
			return nil, []*status.Problem{status.New(status.Red, "secret.failed")}
		}
	}
	return a, nil
}

func (s *coreService) Update(ctx context.Context, in account.Input, clientSecret string) (*account.Account, []*status.Problem) {
	old, p := s.store.Get(in.Name)
	if p != nil {
		return nil, []*status.Problem{p}
	}
	a, probs := in.Build()
	if len(probs) > 0 {
		return nil, probs
	}
	if _, p := oauth.ResolveTenant(ctx, s.tokens.HTTPClient, a); p != nil && p.Level == status.Red {
		return nil, []*status.Problem{p}
	}
	a.HasClientSecret = old.HasClientSecret || clientSecret != ""
	a.UIDValidity, a.SentFolder = old.UIDValidity, old.SentFolder
	if a.Flow == account.FlowApp && !a.HasClientSecret {
		return nil, []*status.Problem{status.New(status.Red, "cli.app_needs_secret")}
	}
	if clientSecret != "" {
		if err := s.secrets.Set(ctx, secret.ClientSecretKey(a.Name), clientSecret); err != nil {
			if p, ok := status.AsProblem(err); ok {
				return nil, []*status.Problem{p}
			}
			return nil, []*status.Problem{status.New(status.Red, "secret.failed")}
		}
	}
	if p := s.store.Update(a); p != nil {
		return nil, []*status.Problem{p}
	}
	// New settings may need new permissions: the cached access token goes.
	s.tokens.Forget(a.Name)
	return a, nil
}

func (s *coreService) SendTest(ctx context.Context, name, to string) status.Result {
	a, p := s.store.Get(name)
	if p == nil && !a.SMTP.Enabled {
		p = status.New(status.Red, "cli.send_test.smtp_off", "name", name)
	}
	if p == nil && to != "" {
		to, p = account.ParseAddress("to", to)
	}
	var tok string
	opt := s.check
	if p == nil {
		tok, opt, p = mailcheck.FetchToken(ctx, s.tokens.Source(a), s.check)
	}
	if p != nil {
		return status.Result{Account: name, Protocol: string(account.SMTP), Level: p.Level, Problem: p}
	}
	if to == "" {
		to = a.MailboxAddress()
	}
	t := mailcheck.TargetFor(a, account.SMTP)
	return mailcheck.SendTest(ctx, t, tok, to, s.lang, opt)
}

func (s *coreService) Diagnostics(ctx context.Context, name string) string {
	a, p := s.store.Get(name)
	if p != nil {
		return p.Message(s.lang)
	}
	var claims *oauth.Claims
	c, tokP := s.tokens.Claims(ctx, a)
	if tokP == nil {
		claims = &c
	}
	job := mailcheck.Job{Account: a, Token: func(ctx context.Context) (string, *status.Problem) { return s.tokens.AccessToken(ctx, a) }}
	res := mailcheck.Run(ctx, []mailcheck.Job{job}, mailcheck.RunOptions{Check: s.check}, nil)
	return report.Diagnostics(a, claims, tokP, res, s.lang, time.Now())
}

func (s *coreService) LogDir() string {
	d, _ := applog.Dir()
	return d
}

func (s *coreService) RemoveAll(ctx context.Context) *status.Problem {
	list, _ := s.store.List()
	for _, a := range list {
		if p := s.Remove(ctx, a.Name); p != nil {
			return p
		}
	}
	if d := s.LogDir(); d != "" {
		files, _ := filepath.Glob(filepath.Join(d, "mailoauth.log*"))
		for _, f := range files {
			os.Remove(f)
		}
	}
	return nil
}

func (s *coreService) Card(name, product string) []card.Field {
	a, p := s.store.Get(name)
	if p != nil {
		return nil
	}
	fields, _ := card.ForProduct(product, a, "", s.lang)
	return fields
}

func (s *coreService) AdminConsent(ctx context.Context, name string) *status.Problem {
	a, p := s.store.Get(name)
	if p != nil {
		return p
	}
	cfg := oauth.ConfigFor(a, "", s.tokens.HTTPClient)
	return oauth.AdminConsent(ctx, &cfg, oauth.SignInOptions{Lang: s.lang, OpenBrowser: s.browser})
}
