package oauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/status"
)

// Claims are what an access token says about itself. They are decoded
// WITHOUT checking the signature: only Exchange can judge a token; we look
// inside for diagnostics, the way Microsoft's support tools do.
type Claims struct {
	Aud               string    `json:"aud"`
	Scp               string    `json:"scp,omitempty"`
	Roles             []string  `json:"roles,omitempty"`
	UPN               string    `json:"upn,omitempty"`
	PreferredUsername string    `json:"preferred_username,omitempty"`
	UniqueName        string    `json:"unique_name,omitempty"`
	Name              string    `json:"name,omitempty"`
	TID               string    `json:"tid"`
	OID               string    `json:"oid,omitempty"`
	AppID             string    `json:"appid,omitempty"`
	Exp               time.Time `json:"-"`
	Iat               time.Time `json:"-"`
	Nbf               time.Time `json:"-"`
}

// User is the signed-in user's name as the token gives it.
func (c Claims) User() string {
	for _, u := range []string{c.UPN, c.PreferredUsername, c.UniqueName} {
		if u != "" {
			return u
		}
	}
	return ""
}

// DecodeClaims reads the payload of a JWT access token.
func DecodeClaims(jwt string) (Claims, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return Claims{}, errors.New("oauth: the access token is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, errors.New("oauth: the access token's payload is not base64url")
	}
	// Decoded loosely: a claim of an unexpected type (roles as a single
	// string, times as floats) must not make the whole token unreadable.
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return Claims{}, errors.New("oauth: the access token's payload is not JSON")
	}
	str := func(k string) string { v, _ := m[k].(string); return v }
	num := func(k string) time.Time {
		if f, ok := m[k].(float64); ok {
			return time.Unix(int64(f), 0)
		}
		return time.Time{}
	}
	c := Claims{Aud: str("aud"), Scp: str("scp"), UPN: str("upn"), PreferredUsername: str("preferred_username"),
		UniqueName: str("unique_name"), Name: str("name"), TID: str("tid"), OID: str("oid"), AppID: str("appid"),
		Exp: num("exp"), Iat: num("iat"), Nbf: num("nbf")}
	switch r := m["roles"].(type) {
	case []any:
		for _, x := range r {
			if s, ok := x.(string); ok {
				c.Roles = append(c.Roles, s)
			}
		}
	case string:
		c.Roles = strings.Fields(r)
	}
	return c, nil
}

// CheckUser warns when the token belongs to someone other than the
// account's login — single sign-on picked the signed-in Windows user
// instead of the service mailbox's (a helpdesk setting up a mailbox on its
// own PC gets exactly that).
func CheckUser(c Claims, login string) *status.Problem {
	u := c.User()
	if u == "" || login == "" || strings.EqualFold(u, login) {
		return nil
	}
	return status.New(status.Yellow, "oauth.user_mismatch", "user", u, "login", login)
}

// CheckScopes names each enabled protocol of the account whose permission
// the token lacks, and a token meant for another service than the Exchange
// Online of the account's cloud (a Graph token, or a global token for a GCC
// High mailbox: Exchange refuses both).
func CheckScopes(c Claims, a *account.Account) []*status.Problem {
	var out []*status.Problem
	if !a.Cloud().AcceptsAudience(c.Aud) {
		out = append(out, status.New(status.Red, "oauth.wrong_audience", "aud", c.Aud))
	}
	have := map[string]bool{}
	for _, s := range strings.Fields(c.Scp) {
		have[s] = true
	}
	for _, r := range c.Roles {
		have[r] = true
	}
	for _, p := range a.EnabledProtocols() {
		if !have[ScopeName(p)] && !have[AppRoleName(p)] {
			out = append(out, status.New(status.Red, "oauth.missing_scope", "scope", ScopeName(p), "protocol", strings.ToUpper(string(p))))
		}
	}
	return out
}
