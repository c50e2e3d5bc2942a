package app

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mailoauth/core/secret"
)

// askedFor records which Graph resource each sign-in asks for and lets no
// request through: Microsoft's clouds are not reachable from a test.
type askedFor struct {
	mu     sync.Mutex
	scopes []string
}

func (a *askedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	a.scopes = append(a.scopes, r.URL.Query().Get("scope"))
	a.mu.Unlock()
	return nil, errors.New("offline")
}

func (a *askedFor) seen(t *testing.T, host string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, s := range a.scopes {
		if strings.Contains(s, "https://"+host+"/Application.Read.All") {
			return true
		}
	}
	t.Logf("scopes asked for: %q", a.scopes)
	return false
}

// TestAppCheckAsksTheAccountsCloudsGraph: GCC High and DoD share a login
// host but not their Graph. The check of a DoD account's registration asks
// for dod-graph.microsoft.us (the account's mail servers say DoD), and
// --cloud picks it for a client ID alone; the login host alone is GCC High.
func TestAppCheckAsksTheAccountsCloudsGraph(t *testing.T) {
	rec := &askedFor{}
	dir := t.TempDir()
	s, p := Open(Options{ConfigDir: filepath.Join(dir, "config"), LogDir: filepath.Join(dir, "log"), Secrets: &secret.Memory{},
		HTTPClient: &http.Client{Transport: rec}, OpenBrowser: func(string) error { return errors.New("no browser") }})
	if p != nil {
		t.Fatal(p)
	}
	t.Cleanup(s.Close)
	ctx := context.Background()
	const tenant, client = "5a1b2c3d-0000-4e5f-8a9b-0c1d2e3f4a5b", "11111111-2222-4333-8444-555555555555"
	if _, probs := s.Add(ctx, Input{Name: "dod", Login: "anna@army.example", Tenant: tenant, ClientID: client, Cloud: "usgov-dod"}, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	admin := AdminOptions{Admin: "admin@army.example", BrowserOptions: BrowserOptions{NoBrowser: true, Timeout: 300 * time.Millisecond,
		OnURL: func(u string) {
			if pu, err := url.Parse(u); err == nil {
				rec.mu.Lock()
				rec.scopes = append(rec.scopes, pu.Query().Get("scope"))
				rec.mu.Unlock()
			}
		}}}
	for _, tc := range []struct {
		req   AppCheckRequest
		cloud string
		host  string
	}{
		{AppCheckRequest{Account: "dod"}, "", "dod-graph.microsoft.us"},
		{AppCheckRequest{ClientID: client, Tenant: "https://login.microsoftonline.us/" + tenant + "/"}, "usgov-dod", "dod-graph.microsoft.us"},
		{AppCheckRequest{ClientID: client, Tenant: "https://login.microsoftonline.us/" + tenant + "/"}, "", "graph.microsoft.us"},
	} {
		rec.mu.Lock()
		rec.scopes = nil
		rec.mu.Unlock()
		tc.req.AdminOptions = admin
		tc.req.Cloud = tc.cloud
		if _, p := s.CheckApp(ctx, tc.req); p == nil {
			t.Fatalf("%+v: a check without a network succeeded", tc.req)
		}
		if !rec.seen(t, tc.host) {
			t.Errorf("%+v: no sign-in asked for %s", tc.req, tc.host)
		}
	}
}
