package results

import (
	"math"
	"strconv"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/status"
)

// Token is what the core knows about an account's sign-in — when and as
// whom it was authorized, when a refresh last worked — never a token.
type Token struct {
	AuthorizedAt time.Time `json:"authorized_at,omitzero"`
	AuthorizedAs string    `json:"authorized_as,omitempty"`
	RefreshedAt  time.Time `json:"refreshed_at,omitzero"`
}

// RefreshTokenIdle is how long Entra keeps a refresh token that nobody
// uses: it dies after 90 days without use (AADSTS700082); every refresh
// issues a new one with a new 90 days.
const RefreshTokenIdle = 90 * 24 * time.Hour

// SecretWarning is how early an expiring client secret is announced.
const SecretWarning = 30 * 24 * time.Hour

// lapseWarning is how early a sign-in about to lapse is announced: two
// weeks leave time to find the person who has to sign in.
const lapseWarning = 14 * 24 * time.Hour

// RecordAuthorized keeps that the account was just signed in, as user.
func (s *Store) RecordAuthorized(name, user string, at time.Time) *status.Problem {
	return s.update(func(m map[string]Entry) {
		e := m[name]
		e.Account = name
		e.Token.AuthorizedAt, e.Token.AuthorizedAs = at.UTC(), user
		m[name] = e
	})
}

// RecordRefreshed keeps that a refresh of the account worked at at.
func (s *Store) RecordRefreshed(name string, at time.Time) *status.Problem {
	return s.update(func(m map[string]Entry) {
		e := m[name]
		e.Account = name
		e.Token.RefreshedAt = at.UTC()
		m[name] = e
	})
}

// Health is an account's sign-in in plain words.
type Health struct {
	AuthorizedAt time.Time
	AuthorizedAs string
	RefreshedAt  time.Time
	// LapsesAt is when the sign-in ends if nothing uses it (zero: not known,
	// or an app-only account, which has no sign-in to lapse).
	LapsesAt time.Time
	// SecretExpires is the app-only account's client secret's end, when known.
	SecretExpires time.Time
	// Notes say it in the user's words, worst first: when the sign-in
	// lapses (and that watching keeps it alive), the client secret's expiry.
	Notes []*status.Problem
}

// HealthOf tells the account's sign-in health from what is kept of it.
func HealthOf(a *account.Account, e Entry, now time.Time) Health {
	h := Health{AuthorizedAt: e.Token.AuthorizedAt, AuthorizedAs: e.Token.AuthorizedAs, RefreshedAt: e.Token.RefreshedAt}
	if a.Flow == account.FlowApp {
		h.SecretExpires = a.ClientSecretExpires
		if !h.SecretExpires.IsZero() {
			h.Notes = append(h.Notes, secretNote(h.SecretExpires, now))
		}
		return h
	}
	last := h.AuthorizedAt
	if h.RefreshedAt.After(last) {
		last = h.RefreshedAt
	}
	if !last.IsZero() {
		h.LapsesAt = last.Add(RefreshTokenIdle)
		date := h.LapsesAt.Local().Format("2006-01-02")
		switch left := h.LapsesAt.Sub(now); {
		case left <= 0:
			h.Notes = append(h.Notes, status.New(status.Yellow, "results.token.lapsed", "date", date))
		case left <= lapseWarning:
			h.Notes = append(h.Notes, status.New(status.Yellow, "results.token.lapses_soon", "date", date, "days", days(left)))
		default:
			h.Notes = append(h.Notes, status.New(status.Green, "results.token.lapses", "date", date))
		}
	}
	return h
}

// SecretDue is the warning a check puts on a green result of an app-only
// account whose client secret ends within SecretWarning (or has ended by
// the date the core knows, though the sign-in still works): yellow, so the
// list row, the tray's light, a notification and a monitoring script's exit
// code say it a month ahead — in the account's detail alone nobody of a
// helpdesk with 300 mailboxes would read it before the mail stops. nil when
// nothing is due or the expiry is not known.
func SecretDue(a *account.Account, now time.Time) *status.Problem {
	if a == nil || a.Flow != account.FlowApp || a.ClientSecretExpires.IsZero() || a.ClientSecretExpires.Sub(now) > SecretWarning {
		return nil
	}
	p := secretNote(a.ClientSecretExpires, now)
	p.Level = status.Yellow
	return p
}

func secretNote(exp, now time.Time) *status.Problem {
	date := exp.Local().Format("2006-01-02")
	switch left := exp.Sub(now); {
	case left <= 0:
		return status.New(status.Red, "results.secret.expired", "date", date)
	case left <= SecretWarning:
		return status.New(status.Yellow, "results.secret.expires_soon", "date", date, "days", days(left))
	}
	return status.New(status.Green, "results.secret.expires", "date", date)
}

// days rounds up: "ends in 1 day" until the last moment.
func days(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Hours() / 24)))
}

// ForgetToken drops what is kept of the account's sign-in (logged out).
func (s *Store) ForgetToken(name string) *status.Problem {
	return s.update(func(m map[string]Entry) {
		if e, ok := m[name]; ok {
			e.Token = Token{}
			m[name] = e
		}
	})
}
