package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

// The service records each sign-in and refresh for token health, and a
// logout forgets them.
func TestTokenHealthFollowsSignIns(t *testing.T) {
	sb, s, _ := sandboxService(t, nil)
	in := input(sb, "h", "fritz@contoso.example")
	in.POP3, in.SMTP = "off", "off"
	if _, probs := s.Add(context.Background(), in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if h, p := s.TokenHealth("h"); p != nil || !h.AuthorizedAt.IsZero() {
		t.Fatalf("before: %+v %v", h, p)
	}
	if RemedyFor(status.New(status.Yellow, "tokens.not_authorized")) != RemedyAuthorize {
		t.Error("not authorized: no Authorize remedy")
	}
	before := time.Now()
	if _, p := s.Authorize(context.Background(), "h", AuthorizeOptions{}); p != nil {
		t.Fatal(p)
	}
	h, p := s.TokenHealth("h")
	if p != nil || !strings.EqualFold(h.AuthorizedAs, "fritz@contoso.example") || h.AuthorizedAt.Before(before.Add(-time.Second)) ||
		h.LapsesAt.Sub(h.AuthorizedAt) != 90*24*time.Hour || len(h.Notes) != 1 || h.Notes[0].Code != "results.token.lapses" {
		t.Fatalf("after sign-in: %+v %v", h, p)
	}
	// A refresh (the access token has run out) is recorded.
	s.tokens.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if _, p := s.Check(context.Background(), []string{"h"}, CheckOptions{}, nil); p != nil {
		t.Fatal(p)
	}
	h, _ = s.TokenHealth("h")
	if h.RefreshedAt.IsZero() || h.RefreshedAt.Before(h.AuthorizedAt) {
		t.Fatalf("after refresh: %+v", h)
	}
	last, _ := s.LastResults()
	if last["h"].Light() != status.Green || !last["h"].Token.RefreshedAt.Equal(h.RefreshedAt) {
		t.Errorf("kept: %+v", last["h"])
	}
	if p := s.Logout(context.Background(), "h"); p != nil {
		t.Fatal(p)
	}
	if h, _ := s.TokenHealth("h"); !h.AuthorizedAt.IsZero() || !h.LapsesAt.IsZero() {
		t.Errorf("after logout: %+v", h)
	}
}

// TestCheckWarnsOfAnEndingClientSecret: an app-only account whose client
// secret ends within 30 days checks yellow with the date and the fix (and
// "new secret" as the remedy) instead of green — the list, the tray and a
// script's exit code say it while the mail still flows; further ahead it is
// green.
func TestCheckWarnsOfAnEndingClientSecret(t *testing.T) {
	sb, s, _ := sandboxService(t, nil)
	box := "info@" + sb.Identity.Domains()[0]
	sb.Mail.Grant(identity.ConfidentialClientID, box)
	in := input(sb, "app", box)
	in.Flow, in.ClientID = "app", identity.ConfidentialClientID
	if _, probs := s.Add(context.Background(), in, sb.Identity.ConfidentialSecret()); len(probs) > 0 {
		t.Fatal(probs)
	}
	check := func(ends time.Duration) []status.Result {
		t.Helper()
		if p := s.SetClientSecretExpires("app", time.Now().Add(ends)); p != nil {
			t.Fatal(p)
		}
		res, p := s.Check(context.Background(), nil, CheckOptions{}, nil)
		if p != nil {
			t.Fatal(p)
		}
		return res
	}
	for _, r := range check(60 * 24 * time.Hour) {
		if r.Level != status.Green {
			t.Fatalf("60 days ahead: %s %s %v", r.Protocol, r.Level, r.Problem)
		}
	}
	for _, r := range check(10 * 24 * time.Hour) {
		if r.Level != status.Yellow || r.Problem == nil || r.Problem.Code != "results.secret.expires_soon" || r.Problem.Args["days"] != "10" ||
			RemedyFor(r.Problem) != RemedyNewSecret {
			t.Fatalf("10 days ahead: %s %s %+v", r.Protocol, r.Level, r.Problem)
		}
	}
	if e, _ := s.LastResults(); e["app"].Light() != status.Yellow {
		t.Errorf("kept as %s", e["app"].Light())
	}
}
