package oauth

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"mailoauth/core/status"
)

// ClockTolerance is how far this computer's clock may differ from the
// identity platform's before it is worth a word, and the slack with which a
// token's exp and nbf are judged (the 5 minutes Microsoft's own token
// validators allow).
const ClockTolerance = 5 * time.Minute

// clockOffset is this computer's clock minus the identity platform's, in
// nanoseconds, as the Date header of its last answer showed; it is the
// machine's clock, so one value for the whole process.
var clockOffset atomic.Int64

// noteServerDate learns the clock offset from an answer's Date header.
func noteServerDate(h http.Header, received time.Time) {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return
	}
	clockOffset.Store(int64(received.Sub(d)))
}

// ClockOffset is how far this computer's clock runs ahead of the identity
// platform's (negative: behind); 0 before its first answer. The Date header
// has whole seconds, so this is exact to about a second.
func ClockOffset() time.Duration { return time.Duration(clockOffset.Load()) }

// platformNow is the identity platform's time by this computer's clock.
func platformNow(now time.Time) time.Time { return now.Add(-ClockOffset()) }

// CheckClock warns when this computer's clock is off by more than
// ClockTolerance: nothing of mailoauth's own depends on it (token lifetimes
// are counted from the answer), but certificates, Kerberos and sign-in
// pages do, and the helpdesk should hear it before those fail.
func CheckClock() *status.Problem {
	off := ClockOffset()
	if off > -ClockTolerance && off < ClockTolerance {
		return nil
	}
	key := "oauth.clock_ahead"
	if off < 0 {
		key, off = "oauth.clock_behind", -off
	}
	return status.New(status.Yellow, key, "minutes", strconv.Itoa(int(off.Round(time.Minute)/time.Minute)))
}

// ValidAt judges the token's exp and nbf at now (this computer's clock),
// translated to the identity platform's clock and with ClockTolerance of
// slack: a clock 10 minutes off must not make a good token look expired or
// not yet valid.
func (c Claims) ValidAt(now time.Time) *status.Problem {
	t := platformNow(now)
	switch {
	case !c.Exp.IsZero() && t.After(c.Exp.Add(ClockTolerance)):
		return status.New(status.Yellow, "oauth.token_expired", "time", c.Exp.Local().Format("2006-01-02 15:04:05"))
	case !c.Nbf.IsZero() && t.Before(c.Nbf.Add(-ClockTolerance)):
		return status.New(status.Yellow, "oauth.token_not_yet_valid", "time", c.Nbf.Local().Format("2006-01-02 15:04:05"))
	}
	return nil
}
