// Package oauth signs a mailbox in at the Microsoft identity platform:
// authorization code with PKCE over a loopback listener, the paste-the-URL
// fallback for nativeclient registrations, refresh that sends the scope and
// returns the rotated refresh token, client credentials for app-only access,
// and an unverified look into the access token's claims for diagnostics.
package oauth

import (
	"net/http"
	"net/url"
	"strings"

	"mailoauth/core/account"
)

// OutlookResource is the resource of the delegated mail scopes. The
// permissions show up under "Microsoft Graph" in the portal, but the scope
// string must name Outlook, or Exchange rejects the token.
const OutlookResource = "https://outlook.office.com"

// AppScope is the one scope of an app-only token request.
const AppScope = "https://outlook.office365.com/.default"

// ResourceFor is the Outlook resource of the cloud an authority belongs to:
// a GCC High or 21Vianet tenant gets tokens for its own Exchange, and a token
// for the global resource would be refused there. Anything unknown (the
// global cloud, a test stand-in) gets the global resource.
func ResourceFor(authority string) string {
	host := authority
	if u, err := url.Parse(authority); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	switch strings.ToLower(host) {
	case "login.microsoftonline.us":
		return "https://outlook.office365.us"
	case "login.partner.microsoftonline.cn", "login.chinacloudapi.cn":
		return "https://partner.outlook.cn"
	}
	return OutlookResource
}

// AppScopeFor is the app-only scope for the cloud of an authority.
func AppScopeFor(authority string) string {
	if r := ResourceFor(authority); r != OutlookResource {
		return r + "/.default"
	}
	return AppScope
}

var protocolScope = map[account.Protocol]string{
	account.IMAP: "IMAP.AccessAsUser.All",
	account.POP3: "POP.AccessAsUser.All",
	account.SMTP: "SMTP.Send",
}

// ScopeName is the delegated permission a protocol needs.
func ScopeName(p account.Protocol) string { return protocolScope[p] }

// DelegatedScopes lists the scopes of a sign-in for the given protocols:
// one resource only (Entra refuses two in one token request), plus
// offline_access for a refresh token and the OpenID scopes to learn the user.
func DelegatedScopes(protocols []account.Protocol, resource string) []string {
	if resource == "" {
		resource = OutlookResource
	}
	var out []string
	for _, p := range protocols {
		if s, ok := protocolScope[p]; ok {
			out = append(out, resource+"/"+s)
		}
	}
	return append(out, "offline_access", "openid", "profile", "email")
}

// Config is everything a token request needs.
type Config struct {
	Authority    string // https://login.microsoftonline.com
	Tenant       string
	ClientID     string
	ClientSecret string // only for confidential clients
	Scopes       []string
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

// ConfigFor builds the delegated config of an account.
func ConfigFor(a *account.Account, clientSecret string, hc *http.Client) Config {
	var protos []account.Protocol
	for _, p := range account.Protocols {
		if a.Server(p).Enabled {
			protos = append(protos, p)
		}
	}
	return Config{Authority: a.Authority, Tenant: a.Tenant, ClientID: a.ClientID, ClientSecret: clientSecret,
		Scopes: DelegatedScopes(protos, ResourceFor(a.Authority)), RedirectMode: a.Redirect, LoginHint: a.Login, HTTPClient: hc}
}
