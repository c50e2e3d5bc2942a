package app

import (
	"context"
	"strings"
	"testing"
	"time"

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
