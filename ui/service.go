package ui

import (
	"context"
	"crypto/x509"
	"net/http"

	"mailoauth/core/account"
	"mailoauth/core/card"
	"mailoauth/core/i18n"
	"mailoauth/core/mailcheck"
	"mailoauth/core/oauth"
	"mailoauth/core/secret"
	"mailoauth/core/status"
	"mailoauth/core/tokens"
	"mailoauth/core/version"
)

// Service is what the window needs from the core; tests give it a fake.
type Service interface {
	Accounts() ([]account.Account, *status.Problem)
	Check(ctx context.Context, names []string, report func(status.Result))
	Authorize(ctx context.Context, name string, onURL func(string)) (user string, p *status.Problem)
	Remove(ctx context.Context, name string) *status.Problem
	Card(name string) []card.Field
}

// coreService adapts the core packages, exactly as the CLI composes them.
type coreService struct {
	store   *account.Store
	secrets secret.Store
	tokens  *tokens.Manager
	check   mailcheck.Options
	lang    i18n.Lang
	browser func(string) error
}

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
	mailcheck.Run(ctx, jobs, mailcheck.RunOptions{Check: s.check}, report)
}

func (s *coreService) Authorize(ctx context.Context, name string, onURL func(string)) (string, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return "", p
	}
	_, claims, p := s.tokens.Authorize(ctx, a, oauth.SignInOptions{Lang: s.lang, OnURL: onURL, OpenBrowser: s.browser})
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

func (s *coreService) Card(name string) []card.Field {
	a, p := s.store.Get(name)
	if p != nil {
		return nil
	}
	return card.Generic(a, "", s.lang)
}
