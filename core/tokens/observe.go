package tokens

import "time"

// EventKind is what happened to an account's sign-in.
type EventKind string

// The events of a sign-in's life.
const (
	// Authorized: someone signed in; a new refresh token is stored.
	Authorized EventKind = "authorized"
	// Refreshed: the stored refresh token was redeemed and worked — which
	// also restarts Entra's 90 days of inactivity after which it dies.
	Refreshed EventKind = "refreshed"
)

// Event tells an observer (token health) about a sign-in; it never
// carries a token.
type Event struct {
	Account string
	Kind    EventKind
	User    string // Authorized: who signed in, from the token's claims
	At      time.Time
}

func (m *Manager) observe(name string, kind EventKind, user string) {
	if m.Observe != nil {
		m.Observe(Event{Account: name, Kind: kind, User: user, At: m.now()})
	}
}
