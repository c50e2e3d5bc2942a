package app

import (
	"context"
	"testing"

	"mailoauth/core/i18n"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

// TestDemoWalksAdminAppMailbox: the demo's fourth account was set up with
// an app registration made at start through the sandbox's Graph, not with
// the sandbox's built-in public client, and checks green; the wizard is
// offered the sandbox administrator's login.
func TestDemoWalksAdminAppMailbox(t *testing.T) {
	s, p := StartDemo(Options{Lang: i18n.EN, LogDir: t.TempDir()})
	if p != nil {
		t.Fatal(p)
	}
	defer s.Close()
	a, p := s.Account("demo-neue-app")
	if p != nil {
		t.Fatal(p)
	}
	if a.ClientID == identity.PublicClientID || a.ClientID == identity.ConfidentialClientID || a.ServicePrincipalID == "" {
		t.Fatalf("fourth account: client %s, service principal %q", a.ClientID, a.ServicePrincipalID)
	}
	res, p := s.Check(context.Background(), []string{"demo-neue-app"}, CheckOptions{}, nil)
	if p != nil || len(res) != 3 {
		t.Fatalf("%v %v", res, p)
	}
	for _, r := range res {
		if r.Level != status.Green {
			t.Errorf("%s %s: %v", r.Protocol, r.Level, r.Problem)
		}
	}
	if got := s.SuggestAdmin(); got != "admin@contoso.example" {
		t.Errorf("SuggestAdmin %q", got)
	}
	list, _ := s.Accounts()
	if len(list) != 4 {
		t.Errorf("%d demo accounts", len(list))
	}
}
