package app

import (
	"time"

	"mailoauth/core/entra"
	"mailoauth/core/results"
	"mailoauth/core/status"
	"mailoauth/core/tokens"
)

// TokenHealth is an account's sign-in in plain words: when and as whom it
// was authorized, the last refresh that worked, when it lapses if nothing
// uses it, an app-only account's client secret expiry, and Notes saying it
// in the user's words (render each with Message/Fix).
type TokenHealth = results.Health

// Remedy is what cures a problem that ended a sign-in: the action the
// window offers beside it.
type Remedy = entra.Remedy

// The remedies.
const (
	RemedyNone         = entra.RemedyNone
	RemedyAuthorize    = entra.RemedyAuthorize    // "Authorize again"
	RemedyAdminConsent = entra.RemedyAdminConsent // the admin-consent page
	RemedyNewSecret    = entra.RemedyNewSecret    // a new client secret (Edit)
	RemedyAdmin        = entra.RemedyAdmin        // an administrator changes Entra ID; the fix says what
)

// RemedyFor tells the remedy of a problem (also of one kept from an earlier
// run: it goes by the code). An account that was never authorized needs
// a sign-in too.
func RemedyFor(p *status.Problem) Remedy {
	if p == nil {
		return RemedyNone
	}
	switch p.Code {
	case "tokens.not_authorized":
		return RemedyAuthorize
	case "results.secret.expires_soon", "results.secret.expired":
		// A check's warning ahead of the end (results.SecretDue).
		return RemedyNewSecret
	}
	return entra.RemedyFor(p.Code)
}

// TokenHealth tells the named account's sign-in health.
func (s *Service) TokenHealth(name string) (TokenHealth, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return TokenHealth{}, p
	}
	e, p := s.results.Get(name)
	if p != nil && p.Level == status.Red {
		return TokenHealth{}, p
	}
	return results.HealthOf(a, e, time.Now()), nil
}

// observeToken keeps what token health needs of each sign-in and refresh —
// for every account that shares the sign-in, since authorizing or
// refreshing one does it for all. It runs inside the token layer (a
// refresh holds the sign-in's lock), so it only reads the account list,
// writes the small results file and logs a failure.
func (s *Service) observeToken(ev tokens.Event) {
	list, _ := s.store.List()
	names := sharingSignIn(list, ev.Account)
	for _, name := range names {
		var p *status.Problem
		switch ev.Kind {
		case tokens.Authorized:
			p = s.results.RecordAuthorized(name, ev.User, ev.At)
		case tokens.Refreshed:
			p = s.results.RecordRefreshed(name, ev.At)
		}
		if p != nil {
			s.log.Printf("could not keep the token health of %s: %s", name, p.Error())
		}
	}
}

// sharingSignIn names the accounts of list that share the named account's
// sign-in (the same tenant, app and login: one refresh token), the account
// itself first; just the name when list does not hold it.
func sharingSignIn(list []Account, name string) []string {
	names := []string{name}
	for i := range list {
		if list[i].Name != name {
			continue
		}
		for j := range list {
			if j != i && tokens.SameSignIn(&list[j], &list[i]) {
				names = append(names, list[j].Name)
			}
		}
		break
	}
	return names
}
