package oauth

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"mailoauth/core/account"
	"mailoauth/core/entra"
	"mailoauth/core/status"
)

// Discovery is what the authority's OpenID configuration tells about a
// tenant given by one of its domains.
type Discovery struct {
	TenantID string // the GUID
	Cloud    string // cloud_instance_name, e.g. microsoftonline.com, microsoftonline.us, partner.microsoftonline.cn
	Region   string // tenant_region_scope, e.g. EU
}

// Discover reads {authority}/{tenant}/v2.0/.well-known/openid-configuration.
// The issuer there carries the tenant's GUID.
func Discover(ctx context.Context, hc *http.Client, authority, tenant string) (*Discovery, *status.Problem) {
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	u := strings.TrimSuffix(authority, "/") + "/" + tenant + "/v2.0/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, status.New(status.Red, "oauth.bad_authority", "url", authority).Wrap(err)
	}
	c := &Config{HTTPClient: hc}
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, netProblem(ctx, u, c.proxyFor(req), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, netProblem(ctx, u, "", err)
	}
	var oc struct {
		Issuer string `json:"issuer"`
		Cloud  string `json:"cloud_instance_name"`
		Region string `json:"tenant_region_scope"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &oc) != nil {
		return nil, entra.Parse(resp.StatusCode, body)
	}
	// issuer: https://login.microsoftonline.com/<guid>/v2.0
	parts := strings.Split(strings.TrimSuffix(oc.Issuer, "/"), "/")
	for _, p := range parts {
		if account.IsGUID(p) {
			return &Discovery{TenantID: strings.ToLower(p), Cloud: oc.Cloud, Region: oc.Region}, nil
		}
	}
	return nil, status.New(status.Red, "oauth.discovery.no_tenant", "tenant", tenant).WithDetail("issuer " + oc.Issuer)
}

// ResolveTenant stores the tenant's GUID in place of a domain, so a renamed
// or removed domain cannot break the account later. An unknown domain is
// an error (AADSTS90002). When the identity platform cannot be reached the
// domain stays (Entra takes it in every URL) and a yellow problem says so.
func ResolveTenant(ctx context.Context, hc *http.Client, a *account.Account) (*Discovery, *status.Problem) {
	if account.IsGUID(a.Tenant) || a.Tenant == "organizations" {
		return nil, nil
	}
	d, p := Discover(ctx, hc, a.Authority, a.Tenant)
	if p != nil {
		// The identity platform's own trouble (5xx, throttling, no answer
		// in time) says nothing about the domain either.
		if strings.HasPrefix(p.Code, "oauth.unreachable") || p.Code == "oauth.tls" || p.Code == "oauth.canceled" || p.Code == "oauth.dns" ||
			strings.HasPrefix(p.Code, "entra.temporary") || p.Code == "entra.no_answer" {
			return nil, status.New(status.Yellow, "oauth.discovery.offline", "tenant", a.Tenant).WithDetail(p.Detail).Wrap(p)
		}
		return nil, p
	}
	a.Tenant = d.TenantID
	return d, nil
}
