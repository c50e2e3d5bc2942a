package oauth

import (
	"context"
	"net/http"
	"testing"

	"mailoauth/core/account"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

func TestResolveTenant(t *testing.T) {
	s := sandbox(t, true)
	acct := func(tenant string) *account.Account {
		return &account.Account{Authority: s.Authority(), Tenant: tenant}
	}
	a := acct("contoso.example")
	d, p := ResolveTenant(context.Background(), s.HTTPClient(), a)
	if p != nil || d == nil || a.Tenant != identity.DefaultTenantID || d.Cloud != "microsoftonline.com" {
		t.Fatalf("domain: %v %+v tenant %q", p, d, a.Tenant)
	}
	// A GUID needs no lookup.
	a = acct(identity.DefaultTenantID)
	if d, p := ResolveTenant(context.Background(), &http.Client{Transport: failing{t}}, a); d != nil || p != nil {
		t.Errorf("GUID looked up: %v %v", d, p)
	}
	// An unknown domain: AADSTS90002, red.
	a = acct("nowhere.example")
	if _, p := ResolveTenant(context.Background(), s.HTTPClient(), a); p == nil || p.Code != "entra.aadsts.90002" || p.Level != status.Red {
		t.Errorf("unknown domain: %v", p)
	}
	// Unreachable: the domain stays, yellow.
	a = &account.Account{Authority: "https://127.0.0.1:1", Tenant: "contoso.example"}
	if _, p := ResolveTenant(context.Background(), s.HTTPClient(), a); p == nil || p.Code != "oauth.discovery.offline" || p.Level != status.Yellow || a.Tenant != "contoso.example" {
		t.Errorf("offline: %v, tenant %q", p, a.Tenant)
	}
}

type failing struct{ t *testing.T }

func (f failing) RoundTrip(*http.Request) (*http.Response, error) {
	f.t.Error("a request was made")
	return nil, http.ErrHandlerTimeout
}
