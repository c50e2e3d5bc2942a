package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/oauth"
	"mailoauth/core/redact"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

// Accounts lists the stored accounts. A yellow problem (a corrupt file moved
// aside) comes with the accounts still readable.
func (s *Service) Accounts() ([]Account, *status.Problem) { return s.store.List() }

// Account loads one account by name.
func (s *Service) Account(name string) (*Account, *status.Problem) { return s.store.Get(name) }

// Saved is the outcome of adding or updating an account.
type Saved struct {
	Account *Account
	// TenantGiven and Cloud are set when a domain was resolved to the
	// tenant's GUID (Account.Tenant).
	TenantGiven, Cloud string
	// Note is a yellow problem worth showing: the tenant could not be
	// looked up (offline), so the domain was kept.
	Note *status.Problem
}

// Add validates and stores a new account; a domain is resolved to its
// tenant's GUID. The client secret, if any, goes to the keyring only — and
// if the keyring refuses it, the account is taken out again so nothing
// half-made is left behind.
func (s *Service) Add(ctx context.Context, in Input, clientSecret string) (*Saved, []*status.Problem) {
	sv, probs := s.add(ctx, in, clientSecret)
	if len(probs) > 0 {
		return nil, probs
	}
	s.forget(sv.Account.Tenant, sv.Account.ClientID)
	return sv, nil
}

// add is Add without forgetting the registration held for the account, so
// AddMailboxes can give it to each of its accounts.
func (s *Service) add(ctx context.Context, in Input, clientSecret string) (*Saved, []*status.Problem) {
	a, sv, probs := s.build(ctx, in)
	if len(probs) > 0 {
		return nil, probs
	}
	return s.save(ctx, a, sv, clientSecret)
}

// save stores a new account built (and its tenant resolved) by the caller,
// with its client secret in the keyring.
func (s *Service) save(ctx context.Context, a *Account, sv *Saved, clientSecret string) (*Saved, []*status.Problem) {
	clientSecret, _ = s.useHeld(a, clientSecret)
	a.HasClientSecret = clientSecret != ""
	if p := needsSecret(a); p != nil {
		return nil, []*status.Problem{p}
	}
	if p := s.store.Add(a); p != nil {
		return nil, []*status.Problem{p}
	}
	if clientSecret != "" {
		if err := s.secrets.Set(ctx, secret.ClientSecretKey(a.Name), clientSecret); err != nil {
			_ = s.store.Remove(a.Name)
			return nil, []*status.Problem{problemOf(err)}
		}
	}
	s.log.Printf("account added: %s", a.Name)
	return sv, nil
}

// Update replaces an existing account's settings (same name). What the
// checks learnt (UIDVALIDITY, sent folder) is kept. A new client secret is
// written only after the account is saved; should the keyring refuse it,
// the old settings are put back.
func (s *Service) Update(ctx context.Context, in Input, clientSecret string) (*Saved, []*status.Problem) {
	old, p := s.store.Get(in.Name)
	if p != nil {
		return nil, []*status.Problem{p}
	}
	a, sv, probs := s.build(ctx, in)
	if len(probs) > 0 {
		return nil, probs
	}
	a.KeepFrom(old)
	// The secret's end is known only for the secret it was recorded with.
	if clientSecret == "" {
		a.ClientSecretExpires = old.ClientSecretExpires
	}
	clientSecret, held := s.useHeld(a, clientSecret)
	a.HasClientSecret = old.HasClientSecret || clientSecret != ""
	if p := needsSecret(a); p != nil {
		return nil, []*status.Problem{p}
	}
	if p := s.store.Update(a); p != nil {
		return nil, []*status.Problem{p}
	}
	if clientSecret != "" {
		if err := s.secrets.Set(ctx, secret.ClientSecretKey(a.Name), clientSecret); err != nil {
			if rp := s.store.Update(old); rp != nil {
				s.log.Printf("could not put back the settings of %s: %s", a.Name, rp.Error())
			}
			return nil, []*status.Problem{problemOf(err)}
		}
	}
	// New settings may need new permissions: the kept access token goes.
	if err := s.tokens.SettingsChanged(ctx, a); err != nil {
		s.log.Printf("could not drop the access token of %s: %s", a.Name, problemOf(err).Error())
	}
	if held {
		s.forget(a.Tenant, a.ClientID)
	}
	s.log.Printf("account updated: %s", a.Name)
	return sv, nil
}

// build turns input into an account and resolves a tenant domain. An
// unknown domain stops here; when the lookup cannot be made, the domain
// stays and Note says so.
func (s *Service) build(ctx context.Context, in Input) (*Account, *Saved, []*status.Problem) {
	a, probs := in.Build()
	if len(probs) > 0 {
		return nil, nil, probs
	}
	sv := &Saved{Account: a}
	given := a.Tenant
	d, p := oauth.ResolveTenant(ctx, s.http, a)
	switch {
	case p != nil && p.Level == status.Red:
		return nil, nil, []*status.Problem{p}
	case p != nil:
		sv.Note = p
	case d != nil:
		sv.TenantGiven, sv.Cloud = given, d.Cloud
	}
	return a, sv, nil
}

// needsSecret is the one home of the rule that app-only access (client
// credentials) cannot work without a client secret.
func needsSecret(a *Account) *status.Problem {
	if a.Flow == account.FlowApp && !a.HasClientSecret {
		return status.New(status.Red, "cli.app_needs_secret")
	}
	return nil
}

// Remove forgets an account: its keyring entries first — an account entry
// without secrets is harmless, secrets without an account would be
// forgotten in the keyring for ever — then the entry. A sign-in that other
// accounts share stays until the last of them goes.
func (s *Service) Remove(ctx context.Context, name string) *status.Problem {
	a, p := s.store.Get(name)
	if p != nil {
		return p
	}
	list, p := s.store.List()
	if p != nil && p.Level == status.Red {
		return p
	}
	if p := s.tokens.Remove(ctx, a, list); p != nil {
		return p
	}
	if p := s.store.Remove(name); p != nil {
		return p
	}
	if p := s.results.Forget(name); p != nil {
		s.log.Printf("could not forget the results of %s: %s", name, p.Error())
	}
	s.log.Printf("account removed: %s", name)
	return nil
}

// RemoveAll forgets every account with its keyring entries, then the kept
// results, this folder's start at sign-in, the settings and the logs. The
// accounts are read once and removed in one write. As in Remove the
// keyring entries go first: when the keyring refuses one, the accounts
// whose entries went are removed and the others stay whole, with the
// results, settings and logs — nothing is gone that an account still
// needs, and no secret is left without its account — so a second try goes
// on where this one stopped.
func (s *Service) RemoveAll(ctx context.Context) *status.Problem {
	list, p := s.store.List()
	if p != nil && p.Level == status.Red {
		return p
	}
	var gone []string
	var kp *status.Problem
	for i := range list {
		// A sign-in shared with an account still to come stays for it,
		// and goes with the last of them.
		if kp = s.tokens.Remove(ctx, &list[i], list[i+1:]); kp != nil {
			break
		}
		gone = append(gone, list[i].Name)
	}
	if p := s.store.RemoveAll(gone); p != nil {
		return p
	}
	if kp != nil {
		if p := s.results.Forget(gone...); p != nil {
			s.log.Printf("could not forget the results of the removed accounts: %s", p.Error())
		}
		s.log.Printf("remove all: %d of %d accounts removed, the keyring refused the next", len(gone), len(list))
		return kp
	}
	if p := s.results.RemoveAll(); p != nil {
		return p
	}
	// This folder's start at sign-in goes with its settings (another
	// folder's entry stays).
	if p := s.setAutostart(false); p != nil {
		return p
	}
	if p := s.settings.Remove(); p != nil {
		return p
	}
	s.log.Printf("all accounts removed")
	if d := s.LogDir(); d != "" {
		s.log.Close()
		files, _ := filepath.Glob(filepath.Join(d, "mailoauth.log*"))
		var errs []error
		for _, f := range files {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return status.New(status.Red, "app.remove_logs", "dir", d).WithDetail(err.Error()).Wrap(err)
		}
	}
	return nil
}

// SetClientSecretExpires records when the app-only account's client
// secret ends (the registration that created the secret knows it), for the
// warning 30 days ahead.
func (s *Service) SetClientSecretExpires(name string, t time.Time) *status.Problem {
	return s.store.SetClientSecretExpires(name, t)
}

// IsAuthorized reports whether the account has a sign-in (app-only: its
// client secret) in the keyring. A keyring that cannot be read is a
// problem, never "not authorized".
func (s *Service) IsAuthorized(ctx context.Context, name string) (bool, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return false, p
	}
	ok, err := s.tokens.IsAuthorized(ctx, a)
	if err != nil {
		return false, problemOf(err)
	}
	return ok, nil
}

// Export writes the accounts, without secrets, to a file.
func (s *Service) Export(path string) *status.Problem {
	if p := s.store.Export(path); p != nil {
		return p
	}
	s.log.Printf("accounts exported to %s", path)
	return nil
}

// Import adds the accounts of an export file, all or nothing.
func (s *Service) Import(path string) ([]string, []*status.Problem) {
	added, probs := s.store.Import(path)
	if len(added) > 0 {
		s.log.Printf("imported %d accounts from %s", len(added), path)
	}
	return added, probs
}

// problemOf turns any error into a problem, keeping the cause: a keyring's
// own problem (locked, unavailable, too large) stays what it is.
func problemOf(err error) *status.Problem {
	if p, ok := status.AsProblem(err); ok {
		return p
	}
	return status.New(status.Red, "cli.internal").WithDetail(redact.String(err.Error())).Wrap(err)
}
