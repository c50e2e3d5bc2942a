package tokens

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Token health hears of a sign-in (as whom) and of every refresh that
// worked, and of nothing else (a reused access token does not touch the
// refresh token); no event carries a token.
func TestObserveSignInAndRefresh(t *testing.T) {
	e := setup(t, 0)
	m := e.manager()
	var evs []Event
	m.Observe = func(ev Event) { evs = append(evs, ev) }
	tok := e.authorize(t, m)
	if len(evs) != 1 || evs[0].Kind != Authorized || evs[0].Account != e.acct.Name || !strings.EqualFold(evs[0].User, "anna@contoso.example") || evs[0].At.IsZero() {
		t.Fatalf("after sign-in: %+v", evs)
	}
	if _, p := m.AccessToken(context.Background(), e.acct); p != nil {
		t.Fatal(p)
	}
	if len(evs) != 1 {
		t.Fatalf("a cached token counted as a refresh: %+v", evs)
	}
	m.Now = later
	if _, p := m.AccessToken(context.Background(), e.acct); p != nil {
		t.Fatal(p)
	}
	if len(evs) != 2 || evs[1].Kind != Refreshed || evs[1].User != "" || evs[1].At.Before(time.Now().Add(time.Hour)) {
		t.Fatalf("after refresh: %+v", evs)
	}
	for _, ev := range evs {
		if strings.Contains(ev.User, tok.AccessToken) || strings.Contains(ev.User, tok.RefreshToken) {
			t.Error("a token in an event")
		}
	}
}
