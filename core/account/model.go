// Package account holds the account model, the normalisation and validation
// of everything a user types in, the Microsoft 365 defaults and the JSON
// store of accounts (which never holds a secret).
package account

import (
	"strings"
	"time"
)

// Protocol is a mail protocol we check.
type Protocol string

// The protocols, in the order they are shown.
const (
	IMAP Protocol = "imap"
	POP3 Protocol = "pop3"
	SMTP Protocol = "smtp"
)

// Protocols lists every protocol in display order.
var Protocols = []Protocol{IMAP, POP3, SMTP}

// Security is how a connection is protected. Plain text is deliberately not
// a value: XOAUTH2 is only ever sent over TLS.
type Security string

// The security modes.
const (
	TLS      Security = "tls"      // implicit TLS from the first byte (993, 995, 465)
	STARTTLS Security = "starttls" // plain greeting, then STARTTLS (143, 110, 587, 25)
)

// Flow is how the account signs in.
type Flow string

// The sign-in flows.
const (
	FlowBrowser Flow = "browser" // authorization code + PKCE in the system browser
	FlowDevice  Flow = "device"  // device code, sign in on any device
	FlowApp     Flow = "app"     // client credentials (app-only), needs a client secret
)

// Redirect is where Entra sends the browser after sign-in.
type Redirect string

// The redirect modes.
const (
	// RedirectLoopback: http://localhost:<port>, captured by our listener.
	RedirectLoopback Redirect = "loopback"
	// RedirectNativeClient: https://login.microsoftonline.com/common/oauth2/nativeclient;
	// the user pastes the final URL. Some products' setup guides (Aagon
	// ACMP) register only this redirect URI, so their app registrations
	// have no loopback one.
	RedirectNativeClient Redirect = "nativeclient"
)

// Server is one protocol's endpoint.
type Server struct {
	Enabled  bool     `json:"enabled"`
	Host     string   `json:"host,omitempty"` // ASCII (punycode) form
	Port     int      `json:"port,omitempty"`
	Security Security `json:"security,omitempty"`
}

// Account is one mailbox set up for OAuth2. It holds no secret: refresh
// tokens and client secrets live in the OS keyring (core/secret).
type Account struct {
	Name  string `json:"name"`
	Login string `json:"login"` // the user who signs in (UPN)
	// Mailbox is the mailbox opened with XOAUTH2 (user=); empty means Login.
	// A different value is a shared mailbox the login has rights on.
	Mailbox string `json:"mailbox,omitempty"`
	// Authority is scheme://host[:port] of the identity platform, e.g.
	// https://login.microsoftonline.com.
	Authority string `json:"authority"`
	// Tenant is a tenant GUID, a verified domain or "organizations".
	Tenant   string   `json:"tenant"`
	ClientID string   `json:"client_id"`
	Flow     Flow     `json:"flow"`
	Redirect Redirect `json:"redirect"`
	// HasClientSecret records that a client secret for this account is in
	// the keyring (confidential client); the secret itself never is here.
	HasClientSecret bool `json:"has_client_secret,omitempty"`

	IMAP Server `json:"imap"`
	POP3 Server `json:"pop3"`
	SMTP Server `json:"smtp"`

	// UIDValidity is the INBOX UIDVALIDITY seen at the last IMAP check; a
	// change means the mailbox was moved or rebuilt, and a program that
	// remembers the last UID it fetched will skip mail.
	UIDValidity uint32 `json:"uidvalidity,omitempty"`
	// SentFolder is the IMAP sent folder (SPECIAL-USE \Sent) the last check
	// found, e.g. "Gesendete Elemente"; products ask for its name.
	SentFolder string `json:"sent_folder,omitempty"`

	// Muted: still checked and shown, but never notifies and does not count
	// for the worst light (a mailbox known to be broken for a while).
	Muted bool `json:"muted,omitempty"`
	// Note is the helpdesk's free text about the account ("product X on
	// server Y, ticket 4711"); searched in the window's list.
	Note string `json:"note,omitempty"`
	// ClientSecretExpires is when the app-only account's client secret ends,
	// when known (the registration that created it knows; Entra does not
	// tell a client). Only the date, never the secret.
	ClientSecretExpires time.Time `json:"client_secret_expires,omitzero"`
	// ServicePrincipalID is the object ID of the app's Enterprise
	// application, when known (the registration that created it knows):
	// Exchange's New-ServicePrincipal needs exactly this ID, and the
	// registration's own object ID is the one people copy by mistake.
	ServicePrincipalID string `json:"service_principal_id,omitempty"`
}

// MailboxAddress is the address used in XOAUTH2 user= and as the test mail's
// sender: the shared mailbox when set, else the login.
func (a *Account) MailboxAddress() string {
	if a.Mailbox != "" {
		return a.Mailbox
	}
	return a.Login
}

// Server returns the endpoint of protocol p.
func (a *Account) Server(p Protocol) Server {
	switch p {
	case IMAP:
		return a.IMAP
	case POP3:
		return a.POP3
	case SMTP:
		return a.SMTP
	}
	return Server{}
}

// EnabledProtocols lists the protocols the account uses, in display order.
func (a *Account) EnabledProtocols() []Protocol {
	var out []Protocol
	for _, p := range Protocols {
		if a.Server(p).Enabled {
			out = append(out, p)
		}
	}
	return out
}

// SetServer replaces the endpoint of protocol p.
func (a *Account) SetServer(p Protocol, s Server) {
	switch p {
	case IMAP:
		a.IMAP = s
	case POP3:
		a.POP3 = s
	case SMTP:
		a.SMTP = s
	}
}

// Microsoft 365 (global cloud) defaults.
const (
	DefaultAuthority = "https://login.microsoftonline.com"
	NativeClientURI  = "https://login.microsoftonline.com/common/oauth2/nativeclient"
)

// DefaultServer returns the Microsoft 365 (global cloud) endpoint of
// protocol p.
func DefaultServer(p Protocol) Server { return GlobalCloud().Server(p) }

// KeepFrom carries over from the stored version of the account what the
// typed settings do not hold: what the checks learnt (UIDVALIDITY, sent
// folder), the note, the mute, and — while the app stays the same — its
// service principal's object ID. Every rebuild of an account from input
// (an edit, a registration run again) calls it, so none forgets a field.
func (a *Account) KeepFrom(old *Account) {
	a.UIDValidity, a.SentFolder = old.UIDValidity, old.SentFolder
	a.Note, a.Muted = old.Note, old.Muted
	if strings.EqualFold(a.ClientID, old.ClientID) {
		a.ServicePrincipalID = old.ServicePrincipalID
	}
}
