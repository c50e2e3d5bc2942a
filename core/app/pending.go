package app

import (
	"context"
	"strings"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/appreg"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

// heldApp is an app-only registration made before the account it is for
// exists: the wizard registers the app on its tenant step and adds the
// account only at the mailbox step. Its client secret waits here, in
// memory only — never in a widget, file, log or error — until Add,
// AddMailboxes or Update saves an account with the same tenant and client
// ID; it is then stored in that account's keyring entry and forgotten.
// Closing the program forgets it too: the registration can make another.
type heldApp struct {
	secret             string
	servicePrincipalID string
	expires            time.Time
}

func heldKey(tenant, clientID string) string {
	return strings.ToLower(tenant) + "/" + strings.ToLower(clientID)
}

// hold keeps (or, without a new secret, updates) the registration of
// tenant and clientID for the account added next.
func (s *Service) hold(tenant, clientID, newSecret, spID string, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := heldKey(tenant, clientID)
	h, ok := s.held[k]
	if newSecret == "" && !ok {
		return
	}
	if newSecret != "" {
		h.secret, h.expires = newSecret, expires
	}
	h.servicePrincipalID = spID
	if s.held == nil {
		s.held = map[string]heldApp{}
	}
	s.held[k] = h
}

// heldFor is the registration held for tenant and clientID, if any.
func (s *Service) heldFor(tenant, clientID string) (heldApp, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.held[heldKey(tenant, clientID)]
	return h, ok
}

func (s *Service) forget(tenant, clientID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.held, heldKey(tenant, clientID))
}

// useHeld fills an app-only account from the registration held for it: its
// service principal, and — unless the user typed one — the client secret
// and its end. It returns the secret to store; ok says a held one matched.
func (s *Service) useHeld(a *Account, typed string) (clientSecret string, ok bool) {
	if a.Flow != account.FlowApp {
		return typed, false
	}
	h, ok := s.heldFor(a.Tenant, a.ClientID)
	if !ok {
		return typed, false
	}
	a.ServicePrincipalID = h.servicePrincipalID
	if typed != "" {
		return typed, true
	}
	a.ClientSecretExpires = h.expires
	return h.secret, true
}

// ClientSecret is the app-only account's client secret from the keyring,
// for the user to paste into the product ("Copy client secret"). A keyring
// that cannot be read (locked, unreachable) is its problem, never an empty
// secret; an account without one says so.
func (s *Service) ClientSecret(ctx context.Context, name string) (string, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return "", p
	}
	if a.Flow != account.FlowApp {
		return "", status.New(status.Red, "app.no_client_secret", "name", a.Name)
	}
	v, err := s.secrets.Get(ctx, secret.ClientSecretKey(a.Name))
	switch {
	case secret.IsNotFound(err):
		return "", status.New(status.Red, "app.no_client_secret", "name", a.Name)
	case err != nil:
		return "", problemOf(err)
	}
	s.log.Printf("client secret of %s read for copying", a.Name)
	return v, nil
}

// knownSecret is a client secret mailoauth already keeps for the app-only
// registration of tenant and clientID: the keyring entry of another
// account (not except) set up with that app, whose secret is not about to
// end. A secret in Entra cannot be read back, so this is what spares a
// second mailbox of the same app a new secret in Entra. A keyring that
// cannot be read is its problem, never "none": taking it for none would
// add a secret on every try.
func (s *Service) knownSecret(ctx context.Context, tenant, clientID, except string) (value, from string, expires time.Time, p *status.Problem) {
	list, p := s.store.List()
	if p != nil {
		return "", "", time.Time{}, p
	}
	for _, a := range list {
		if a.Flow != account.FlowApp || !a.HasClientSecret || strings.EqualFold(a.Name, except) ||
			!strings.EqualFold(a.Tenant, tenant) || !strings.EqualFold(a.ClientID, clientID) ||
			!a.ClientSecretExpires.IsZero() && time.Until(a.ClientSecretExpires) < appreg.SecretRenewBefore {
			continue
		}
		v, err := s.secrets.Get(ctx, secret.ClientSecretKey(a.Name))
		switch {
		case secret.IsNotFound(err):
			continue
		case err != nil:
			return "", "", time.Time{}, problemOf(err)
		}
		return v, a.Name, a.ClientSecretExpires, nil
	}
	return "", "", time.Time{}, nil
}
