package results

import (
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

func TestHealthDelegated(t *testing.T) {
	s, c := newStore(t)
	a := &account.Account{Name: "a", Flow: account.FlowBrowser}
	if h := HealthOf(a, Entry{}, c.t); !h.LapsesAt.IsZero() || len(h.Notes) != 0 {
		t.Fatalf("nothing known: %+v", h)
	}
	authAt := c.t
	if p := s.RecordAuthorized("a", "anna@contoso.com", authAt); p != nil {
		t.Fatal(p)
	}
	// A check run keeps the token facts.
	s.Record(green("a"))
	e, _ := s.Get("a")
	h := HealthOf(a, e, c.t)
	if h.AuthorizedAs != "anna@contoso.com" || !h.LapsesAt.Equal(authAt.Add(90*24*time.Hour)) || len(h.Notes) != 1 ||
		h.Notes[0].Code != "results.token.lapses" || h.Notes[0].Level != status.Green {
		t.Fatalf("after sign-in: %+v %+v", h, h.Notes)
	}
	for _, l := range i18n.Langs {
		if m := h.Notes[0].Message(l); m == "results.token.lapses" || m == "" {
			t.Errorf("%s: no text", l)
		}
	}
	// A refresh restarts the 90 days.
	refAt := authAt.Add(30 * 24 * time.Hour)
	s.RecordRefreshed("a", refAt)
	e, _ = s.Get("a")
	if h := HealthOf(a, e, refAt); !h.LapsesAt.Equal(refAt.Add(90*24*time.Hour)) || !h.AuthorizedAt.Equal(authAt) {
		t.Fatalf("after refresh: %+v", h)
	}
	// Two weeks before: yellow; after: it has lapsed, authorize again.
	if h := HealthOf(a, e, refAt.Add(80*24*time.Hour)); h.Notes[0].Code != "results.token.lapses_soon" || h.Notes[0].Args["days"] != "10" {
		t.Errorf("10 days before: %+v", h.Notes[0])
	}
	if h := HealthOf(a, e, refAt.Add(91*24*time.Hour)); h.Notes[0].Code != "results.token.lapsed" || h.Notes[0].Level != status.Yellow {
		t.Errorf("after: %+v", h.Notes[0])
	}
	if p := s.ForgetToken("a"); p != nil {
		t.Fatal(p)
	}
	e, _ = s.Get("a")
	if h := HealthOf(a, e, refAt); !h.LapsesAt.IsZero() || e.Light() != status.Green {
		t.Errorf("after logout: %+v, light %s", h, e.Light())
	}
}

func TestHealthClientSecret(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	a := &account.Account{Name: "app", Flow: account.FlowApp}
	if h := HealthOf(a, Entry{Token: Token{RefreshedAt: now}}, now); len(h.Notes) != 0 || !h.LapsesAt.IsZero() {
		t.Errorf("app-only without expiry: %+v", h)
	}
	for _, c := range []struct {
		left  time.Duration
		code  string
		level status.Level
		days  string
	}{
		{31 * 24 * time.Hour, "results.secret.expires", status.Green, ""},
		{30 * 24 * time.Hour, "results.secret.expires_soon", status.Yellow, "30"},
		{36 * time.Hour, "results.secret.expires_soon", status.Yellow, "2"},
		{-time.Hour, "results.secret.expired", status.Red, ""},
	} {
		a.ClientSecretExpires = now.Add(c.left)
		h := HealthOf(a, Entry{}, now)
		if len(h.Notes) != 1 || h.Notes[0].Code != c.code || h.Notes[0].Level != c.level || h.Notes[0].Args["days"] != c.days || !h.SecretExpires.Equal(a.ClientSecretExpires) {
			t.Errorf("%s left: %+v", c.left, h.Notes)
		}
		if c.level != status.Green && h.Notes[0].Fix(i18n.DE) == "" {
			t.Errorf("%s: no fix", c.code)
		}
	}
}
