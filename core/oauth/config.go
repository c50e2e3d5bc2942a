// Package oauth signs a mailbox in at the Microsoft identity platform:
// authorization code with PKCE over a loopback listener, the paste-the-URL
// fallback for nativeclient registrations, refresh that sends the scope and
// returns the rotated refresh token, client credentials for app-only access,
// and an unverified look into the access token's claims for diagnostics.
package oauth

import (
	"net/http"
	"strings"

	"mailoauth/core/account"
)

var protocolScope = map[account.Protocol]string{
	account.IMAP: "IMAP.AccessAsUser.All",
	account.POP3: "POP.AccessAsUser.All",
	account.SMTP: "SMTP.Send",
}

// ScopeName is the delegated permission a protocol needs.
func ScopeName(p account.Protocol) string { return protocolScope[p] }

var protocolRole = map[account.Protocol]string{
	account.IMAP: "IMAP.AccessAsApp",
	account.POP3: "POP.AccessAsApp",
	account.SMTP: "SMTP.SendAsApp",
}

// AppRoleName is the application permission (Exchange Online's app role)
// a protocol needs for app-only access.
func AppRoleName(p account.Protocol) string { return protocolRole[p] }

// DelegatedScopes lists the scopes of a sign-in for the given protocols in
// a cloud: one resource only (Entra refuses two in one token request), plus
// offline_access for a refresh token and the OpenID scopes to learn the user.
func DelegatedScopes(protocols []account.Protocol, cloud account.Cloud) []string {
	var out []string
	for _, p := range protocols {
		if s, ok := protocolScope[p]; ok {
			out = append(out, cloud.Scope(s))
		}
	}
	return append(out, "offline_access", "openid", "profile", "email")
}

// Config is everything a token request needs.
type Config struct {
	Authority    string // https://login.microsoftonline.com
	Tenant       string
	ClientID     string
	ClientSecret string   // only for confidential clients
	Scopes       []string // delegated sign-in and refresh
	AppScope     string   // app-only; "" is the authority's cloud's
	RedirectMode account.Redirect
	LoginHint    string
	HTTPClient   *http.Client
}

func (c *Config) base() string {
	return strings.TrimSuffix(c.Authority, "/") + "/" + c.Tenant + "/oauth2/v2.0/"
}

// AuthorizeURL is the authorize endpoint.
func (c *Config) AuthorizeURL() string { return c.base() + "authorize" }

// TokenURL is the token endpoint.
func (c *Config) TokenURL() string { return c.base() + "token" }

// DeviceCodeURL is the device authorization endpoint.
func (c *Config) DeviceCodeURL() string { return c.base() + "devicecode" }

func (c *Config) client() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return http.DefaultClient
}

// ConfigFor builds the delegated config of an account, with the scopes of
// its enabled protocols in its cloud: a GCC High or 21Vianet tenant gets
// tokens for its own Exchange, and a token for the global resource would be
// refused there.
func ConfigFor(a *account.Account, clientSecret string, hc *http.Client) Config {
	return Config{Authority: a.Authority, Tenant: a.Tenant, ClientID: a.ClientID, ClientSecret: clientSecret,
		Scopes: DelegatedScopes(a.EnabledProtocols(), a.Cloud()), AppScope: a.Cloud().AppScope, RedirectMode: a.Redirect, LoginHint: a.Login, HTTPClient: hc}
}
