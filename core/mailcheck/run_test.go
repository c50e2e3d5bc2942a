package mailcheck

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/sandbox/mailserver"
	"mailoauth/core/status"
)

func TestUnknownProtocolIsRed(t *testing.T) {
	e := start(t, mailserver.Options{})
	tg := e.target(account.IMAP, anna)
	tg.Protocol = "jmap"
	r := Check(context.Background(), tg, e.token(anna, allPerms...), e.opt)
	assertResult(t, "unknown protocol", r, status.Red, "mailcheck.unknown_protocol", "")
}

// TestTokenFetchesKeepTheParallelBound: a run over many accounts asks for
// their tokens no faster than --parallel allows; the identity platform
// throttles a client that fires hundreds of refreshes at once.
func TestTokenFetchesKeepTheParallelBound(t *testing.T) {
	const accounts, parallel = 20, 3
	var inFlight, peak, calls atomic.Int32
	var jobs []Job
	for i := range accounts {
		a := &account.Account{Name: "acct" + strconv.Itoa(i), IMAP: account.Server{Enabled: true, Host: "127.0.0.1", Port: 1},
			SMTP: account.Server{Enabled: true, Host: "127.0.0.1", Port: 1}}
		jobs = append(jobs, Job{Account: a, Token: func(context.Context) (string, *status.Problem) {
			calls.Add(1)
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(20 * time.Millisecond)
			inFlight.Add(-1)
			return "", status.New(status.Yellow, "tokens.not_authorized", "name", a.Name)
		}})
	}
	res := Run(context.Background(), jobs, RunOptions{Parallel: parallel}, nil)
	if calls.Load() != accounts {
		t.Errorf("%d token requests for %d accounts", calls.Load(), accounts)
	}
	if peak.Load() > parallel {
		t.Errorf("%d token requests at once, --parallel is %d", peak.Load(), parallel)
	}
	t.Logf("token requests: %d, at most %d at once (parallel %d)", calls.Load(), peak.Load(), parallel)
	for i, r := range res {
		if i%3 == 1 {
			if r.Level != status.Grey {
				t.Errorf("disabled POP3 of %s: %s", r.Account, r.Level)
			}
			continue
		}
		if r.Problem == nil || r.Problem.Code != "tokens.not_authorized" {
			t.Errorf("result %d: %+v", i, r)
		}
	}
}

// TestTimeoutBoundsTheTokenFetch: the account's timeout covers its token
// request; a token endpoint that stalls cannot hold a short check for the
// token request's own, longer limit.
func TestTimeoutBoundsTheTokenFetch(t *testing.T) {
	a := &account.Account{Name: "slow", IMAP: account.Server{Enabled: true, Host: "127.0.0.1", Port: 1}}
	job := Job{Account: a, Token: func(ctx context.Context) (string, *status.Problem) {
		select {
		case <-ctx.Done():
			return "", status.New(status.Yellow, "oauth.canceled").Wrap(ctx.Err())
		case <-time.After(60 * time.Second):
			return "tok", nil
		}
	}}
	start := time.Now()
	res := Run(context.Background(), []Job{job}, RunOptions{Check: Options{Timeout: 300 * time.Millisecond}}, nil)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a 300 ms check took %s behind a stalled token endpoint", d)
	}
	if res[0].Problem == nil {
		t.Errorf("stalled token fetch: %+v", res[0])
	}
}

// TestCancelEndsATokenFetchAtOnce: Ctrl+C or the window's Stop ends a run
// that waits for a token at once, not when the check's timeout runs out.
func TestCancelEndsATokenFetchAtOnce(t *testing.T) {
	a := &account.Account{Name: "slow", IMAP: account.Server{Enabled: true, Host: "127.0.0.1", Port: 1}}
	started := make(chan struct{})
	job := Job{Account: a, Token: func(ctx context.Context) (string, *status.Problem) {
		close(started)
		<-ctx.Done()
		return "", status.New(status.Yellow, "oauth.canceled").Wrap(ctx.Err())
	}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	begin := time.Now()
	res := Run(ctx, []Job{job}, RunOptions{Check: Options{Timeout: time.Minute}}, nil)
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("cancelled run took %s", d)
	}
	if res[0].Level != status.Yellow {
		t.Errorf("cancelled: %+v", res[0])
	}
}
