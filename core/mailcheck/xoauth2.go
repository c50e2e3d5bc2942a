// Package mailcheck signs in to IMAP, POP3 and SMTP with XOAUTH2 and runs a
// real command on each, timing every step, and maps what the server says to
// a traffic light, a problem and a fix. It knows nothing about OAuth: it is
// handed an access token.
package mailcheck

import (
	"encoding/json"

	"github.com/emersion/go-sasl"
)

// ErrorChallenge is the RFC 7628-style JSON some servers send before they
// reject a token: it names what the token lacked.
type ErrorChallenge struct {
	Status  string `json:"status"`
	Schemes string `json:"schemes"`
	Scope   string `json:"scope"`
}

// XOAUTH2 is the client side of SASL XOAUTH2 (go-sasl does not ship it).
type XOAUTH2 struct {
	User, Token string
	// NoIR sends the credentials only after the server asks ("AUTH XOAUTH2",
	// then the blob), for servers whose line limit cuts a long first line.
	NoIR      bool
	sent      bool
	Challenge *ErrorChallenge // set when the server sent an error challenge
}

var _ sasl.Client = (*XOAUTH2)(nil)

func (x *XOAUTH2) blob() []byte {
	return []byte("user=" + x.User + "\x01auth=Bearer " + x.Token + "\x01\x01")
}

// Start returns the initial response (unless NoIR).
func (x *XOAUTH2) Start() (string, []byte, error) {
	if x.NoIR {
		return "XOAUTH2", nil, nil
	}
	x.sent = true
	return "XOAUTH2", x.blob(), nil
}

// Next answers a challenge. The first empty challenge of a NoIR exchange
// asks for the credentials. Anything after the credentials is an error
// challenge: it is recorded and answered with an empty, NON-nil response —
// go-smtp treats (nil, nil) as "done" and would report success although the
// server is about to reject the sign-in.
func (x *XOAUTH2) Next(challenge []byte) ([]byte, error) {
	if !x.sent {
		x.sent = true
		return x.blob(), nil
	}
	var ec ErrorChallenge
	if json.Unmarshal(challenge, &ec) == nil && (ec.Status != "" || ec.Scope != "") {
		x.Challenge = &ec
	} else {
		x.Challenge = &ErrorChallenge{}
	}
	return []byte{}, nil
}
