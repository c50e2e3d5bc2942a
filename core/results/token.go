package results

import "time"

// Token is what the core knows about an account's sign-in — when and as
// whom it was authorized, when a refresh last worked — never a token.
type Token struct {
	AuthorizedAt time.Time `json:"authorized_at,omitzero"`
	AuthorizedAs string    `json:"authorized_as,omitempty"`
	RefreshedAt  time.Time `json:"refreshed_at,omitzero"`
}
