package app

import (
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/secret"
)

func TestSplitAndName(t *testing.T) {
	got := SplitMailboxes(" info@contoso.com, buchhaltung@contoso.com;\nsupport+it@contoso.com ")
	if !reflect.DeepEqual(got, []string{"info@contoso.com", "buchhaltung@contoso.com", "support+it@contoso.com"}) {
		t.Fatalf("%q", got)
	}
	if n := MailboxAccountName("buero", "Support+IT@contoso.com"); n != "buero-support-it" {
		t.Errorf("name %q", n)
	}
}

// TestAddMailboxes: several mailboxes for one login become several
// accounts; a taken name stops all of them before any is stored.
func TestAddMailboxes(t *testing.T) {
	s := memoryService(t, t.TempDir())
	in := Input{Name: "buero", Login: "anna@contoso.com", Tenant: "https://login.microsoftonline.com/0b3c1a2d-4e5f-6789-abcd-ef0123456789/",
		ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718", Flow: "device", IMAP: "outlook.office365.com:993", POP3: "off", SMTP: "off"}
	saved, probs := s.AddMailboxes(t.Context(), in, []string{"info@contoso.com", "buchhaltung@contoso.com"}, "")
	if len(probs) > 0 || len(saved) != 2 {
		t.Fatalf("%v %v", saved, probs)
	}
	a, p := s.Account("buero-buchhaltung")
	if p != nil || a.Mailbox != "buchhaltung@contoso.com" || a.Login != "anna@contoso.com" {
		t.Fatalf("%+v %v", a, p)
	}
	_, probs = s.AddMailboxes(t.Context(), in, []string{"support@contoso.com", "info@contoso.com"}, "")
	if len(probs) != 1 || probs[0].Code != "app.mailboxes_taken" {
		t.Fatalf("taken: %v", probs)
	}
	if _, p := s.Account("buero-support"); p == nil {
		t.Error("a half-done list was stored")
	}
	if _, probs := s.AddMailboxes(t.Context(), in, []string{"a@contoso.com", "kein-postfach"}, ""); len(probs) == 0 {
		t.Error("an address without @ accepted")
	}
}

// countDiscovery counts the tenant lookups (OpenID discovery) going out.
type countDiscovery struct {
	rt http.RoundTripper
	n  atomic.Int32
}

func (c *countDiscovery) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
		c.n.Add(1)
	}
	return c.rt.RoundTrip(r)
}

// TestAddMailboxesLooksUpTheTenantOnce: three mailboxes for one login with
// the tenant given as a domain: one lookup for all, every account with the
// tenant's GUID and what the lookup found.
func TestAddMailboxesLooksUpTheTenantOnce(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	hc := sb.Identity.HTTPClient()
	count := &countDiscovery{rt: hc.Transport}
	hc.Transport = count
	dir := t.TempDir()
	s, p := Open(Options{ConfigDir: dir, LogDir: filepath.Join(dir, "log"), Secrets: &secret.Memory{}, RootCAs: sb.CA.Pool(), HTTPClient: hc})
	if p != nil {
		t.Fatal(p)
	}
	defer s.Close()
	d := sb.Identity.Domains()[0]
	in := Input{Name: "buero", Login: "anna@" + d, Tenant: sb.Identity.Authority() + "/" + d + "/", ClientID: identity.PublicClientID,
		Flow: "device", IMAP: sb.Mail.IMAPAddr(), POP3: "off", SMTP: "off"}
	saved, probs := s.AddMailboxes(t.Context(), in, []string{"info@" + d, "buchhaltung@" + d, "support@" + d}, "")
	if len(probs) > 0 || len(saved) != 3 {
		t.Fatalf("%v %v", saved, probs)
	}
	if n := count.n.Load(); n != 1 {
		t.Errorf("%d tenant lookups for three mailboxes, want 1", n)
	}
	for _, sv := range saved {
		a, p := s.Account(sv.Account.Name)
		if p != nil || a.Tenant != sb.Identity.TenantID() || sv.TenantGiven != d || sv.Account.Tenant != a.Tenant {
			t.Errorf("%s: tenant %q (given %q), want %q", sv.Account.Name, a.Tenant, sv.TenantGiven, sb.Identity.TenantID())
		}
	}
}
