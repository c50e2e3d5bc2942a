package oauth

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"mailoauth/core/entra"
	"mailoauth/core/status"
)

// consentCodes are the Entra answers that an administrator's consent for
// the whole organisation resolves.
var consentCodes = map[int]bool{65001: true, 90094: true, 90008: true}

// NeedsAdminConsent says whether p is an Entra error that admin consent fixes.
func NeedsAdminConsent(p *status.Problem) bool {
	var e *entra.Error
	return p != nil && errors.As(p, &e) && consentCodes[e.AADSTS]
}

// AdminConsentURL is the v2.0 admin-consent address for the app in the
// tenant, asking for the account's mail permissions.
func (c *Config) AdminConsentURL(redirectURI, state string) string {
	var scopes []string
	for _, s := range c.Scopes {
		if strings.Contains(s, "/") { // resource permissions; OIDC scopes need no consent
			scopes = append(scopes, s)
		}
	}
	v := url.Values{"client_id": {c.ClientID}, "redirect_uri": {redirectURI}, "scope": {strings.Join(scopes, " ")}}
	if state != "" {
		v.Set("state", state)
	}
	return strings.TrimSuffix(c.Authority, "/") + "/" + c.Tenant + "/v2.0/adminconsent?" + v.Encode()
}

// AdminConsent opens the admin-consent page in the browser and waits on the
// loopback listener for the answer, like SignIn; an administrator signs in
// there and consents once for the organisation.
func AdminConsent(ctx context.Context, c *Config, opts SignInOptions) *status.Problem {
	_, p := serveLoopback(ctx, opts, func(_ context.Context, redirectURI, state string) (*callback, string) {
		cb := newCallback(state, opts.Lang, nil)
		cb.accept = func(q url.Values) *status.Problem {
			if strings.EqualFold(q.Get("admin_consent"), "true") {
				return nil
			}
			return status.New(status.Red, "oauth.consent.not_granted")
		}
		return cb, c.AdminConsentURL(redirectURI, state)
	})
	return p
}
