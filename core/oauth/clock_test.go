package oauth

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"mailoauth/core/i18n"
)

// withPlatformClock makes the identity platform's last answer say that its
// clock is ahead of this computer's by ahead.
func withPlatformClock(t *testing.T, ahead time.Duration) {
	t.Helper()
	old := clockOffset.Load()
	t.Cleanup(func() { clockOffset.Store(old) })
	now := time.Now()
	noteServerDate(http.Header{"Date": {now.Add(ahead).UTC().Format(http.TimeFormat)}}, now)
}

func TestTokenJudgedByThePlatformsClock(t *testing.T) {
	// This computer is 10 minutes behind: a token issued just now is valid
	// from "10 minutes in the future" by the local clock.
	withPlatformClock(t, 10*time.Minute)
	platform := time.Now().Add(10 * time.Minute)
	c := Claims{Nbf: platform, Iat: platform, Exp: platform.Add(time.Hour)}
	if p := c.ValidAt(time.Now()); p != nil {
		t.Errorf("fresh token, clock 10 min behind: %v", p)
	}
	if off := ClockOffset(); off < -10*time.Minute-2*time.Second || off > -10*time.Minute+2*time.Second {
		t.Errorf("offset %s, want about -10m", off)
	}
	p := CheckClock()
	if p == nil || p.Code != "oauth.clock_behind" || p.Args["minutes"] != "10" {
		t.Fatalf("clock warning: %v", p)
	}
	for _, l := range i18n.Langs {
		if msg := p.Message(l) + p.Fix(l); !strings.Contains(msg, "10 min") || strings.Contains(msg, "{") {
			t.Errorf("%s: %q", l, msg)
		}
	}
	expired := Claims{Nbf: platform.Add(-2 * time.Hour), Exp: platform.Add(-time.Hour)}
	if p := expired.ValidAt(time.Now()); p == nil || p.Code != "oauth.token_expired" {
		t.Errorf("expired token: %v", p)
	}
	early := Claims{Nbf: platform.Add(time.Hour), Exp: platform.Add(2 * time.Hour)}
	if p := early.ValidAt(time.Now()); p == nil || p.Code != "oauth.token_not_yet_valid" {
		t.Errorf("token from the future: %v", p)
	}
	// Within the tolerance nothing is said.
	withPlatformClock(t, -3*time.Minute)
	if p := CheckClock(); p != nil {
		t.Errorf("3 minutes off: %v", p)
	}
	if p := (Claims{Nbf: time.Now().Add(-3 * time.Minute), Exp: time.Now().Add(57 * time.Minute)}).ValidAt(time.Now()); p != nil {
		t.Errorf("3 minutes off: %v", p)
	}
}
