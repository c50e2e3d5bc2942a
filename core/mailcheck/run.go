package mailcheck

import (
	"context"
	"sync"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/status"
)

// Check checks one protocol of one account with the given access token. A
// protocol it does not know is a red result: a check that tested nothing
// must never pass for green.
func Check(ctx context.Context, t Target, token string, opt Options) status.Result {
	p, cancel := newProbe(ctx, t, opt)
	defer cancel()
	var err error
	switch t.Protocol {
	case account.IMAP:
		err = p.checkIMAP(token)
	case account.POP3:
		err = p.checkPOP3(token)
	case account.SMTP:
		err = p.checkSMTP(token)
	default:
		pr := status.New(status.Red, "mailcheck.unknown_protocol", "protocol", string(t.Protocol))
		p.res.Level, p.res.Problem = pr.Level, pr
		return p.res
	}
	return p.finish(err)
}

// Job is one account to check; Token is called at most once per run.
type Job struct {
	Account *account.Account
	Token   func(ctx context.Context) (string, *status.Problem)
	// Renew, if set, is called at most once per run when a server refuses
	// the sign-in with the token Token gave: a token reused from a cache
	// may have been ended early (revoked, permissions changed), and one
	// fetched anew settles whether the refusal is real.
	Renew func(ctx context.Context, refused string) (string, *status.Problem)
}

// Tokens is what a check needs of the token manager (tokens.Manager).
type Tokens interface {
	AccessToken(ctx context.Context, a *account.Account) (string, *status.Problem)
	Renew(ctx context.Context, a *account.Account, refused string) (string, *status.Problem)
}

// JobFor is the job of checking account a with tokens from ts.
func JobFor(a *account.Account, ts Tokens) Job {
	return Job{Account: a,
		Token: func(ctx context.Context) (string, *status.Problem) { return ts.AccessToken(ctx, a) },
		Renew: func(ctx context.Context, refused string) (string, *status.Problem) { return ts.Renew(ctx, a, refused) }}
}

// signInRefused says whether a check failed at the sign-in itself.
func signInRefused(r status.Result) bool {
	n := len(r.Steps)
	return r.Level != status.Green && n > 0 && r.Steps[n-1].Name == "authenticate" && !r.Steps[n-1].OK
}

// Bound is the timeout of one account's whole check (DefaultTimeout when
// unset).
func (o Options) Bound() time.Duration {
	if o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

// FetchToken gets an account's access token inside the check's timeout and
// returns the options for what follows with the rest of that timeout: the
// timeout bounds an account's whole check, so a slow token endpoint cannot
// stretch a 5-second check to the token request's own limit.
func FetchToken(ctx context.Context, token func(context.Context) (string, *status.Problem), opt Options) (string, Options, *status.Problem) {
	opt.Timeout = opt.Bound()
	start := time.Now()
	tctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	tok, p := token(tctx)
	if p != nil {
		return "", opt, p
	}
	// A positive rest keeps newProbe from reading "unset" as the default.
	opt.Timeout = max(opt.Timeout-time.Since(start), time.Millisecond)
	return tok, opt, nil
}

// RunOptions tune a run over many accounts.
type RunOptions struct {
	// Parallel bounds the network work in flight at once — token requests
	// and open connections alike (default 64).
	Parallel int
	// Check.Timeout bounds the whole check of one account: its token fetch
	// plus each protocol's check.
	Check Options
}

// Run checks every enabled protocol of every account concurrently. report,
// if set, is called as each result arrives (the GUI updates its lights live;
// it is called from many goroutines). The returned results are in stable
// order: accounts as given, then IMAP, POP3, SMTP.
//
// Each account first fetches its access token — inside the Parallel bound,
// or a run over 300 accounts would fire 300 refreshes at the identity
// platform at once — and then checks its protocols, each with what is left
// of the account's timeout (FetchToken).
func Run(ctx context.Context, jobs []Job, opt RunOptions, report func(status.Result)) []status.Result {
	if opt.Parallel <= 0 {
		opt.Parallel = 64
	}
	sem := make(chan struct{}, opt.Parallel)
	acquire := func() bool {
		select {
		case sem <- struct{}{}:
			return true
		case <-ctx.Done():
			return false
		}
	}
	release := func() { <-sem }
	results := make([]status.Result, len(jobs)*len(account.Protocols))
	var wg sync.WaitGroup
	var repMu sync.Mutex
	emit := func(i int, r status.Result) {
		results[i] = r
		if report != nil {
			repMu.Lock()
			report(r)
			repMu.Unlock()
		}
	}
	for ji, job := range jobs {
		var enabled []int
		for pi, proto := range account.Protocols {
			i := ji*len(account.Protocols) + pi
			if !job.Account.Server(proto).Enabled {
				emit(i, status.Result{Account: job.Account.Name, Protocol: string(proto), Level: status.Grey, At: time.Now()})
				continue
			}
			enabled = append(enabled, pi)
		}
		if len(enabled) == 0 {
			continue
		}
		fail := func(pi int, p *status.Problem) {
			proto := account.Protocols[pi]
			emit(ji*len(account.Protocols)+pi, status.Result{Account: job.Account.Name, Protocol: string(proto),
				Level: p.Level, Problem: p, At: time.Now()})
		}
		canceled := func() *status.Problem { return status.New(status.Yellow, "mailcheck.canceled") }
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !acquire() {
				for _, pi := range enabled {
					fail(pi, canceled())
				}
				return
			}
			deadline := time.Now().Add(opt.Check.Bound())
			tok, copt, p := FetchToken(ctx, job.Token, opt.Check)
			release()
			if p != nil {
				for _, pi := range enabled {
					fail(pi, p)
				}
				return
			}
			// One renewal for all protocols of the account, within its
			// timeout.
			renew := sync.OnceValues(func() (string, *status.Problem) {
				rctx, cancel := context.WithDeadline(ctx, deadline)
				defer cancel()
				return job.Renew(rctx, tok)
			})
			for _, pi := range enabled {
				proto := account.Protocols[pi]
				wg.Add(1)
				go func() {
					defer wg.Done()
					if !acquire() {
						fail(pi, canceled())
						return
					}
					r, p := checkRenewing(ctx, TargetFor(job.Account, proto), tok, copt, deadline, job.Renew != nil, renew)
					release() // before reporting: a slow report must not hold a slot
					if p != nil {
						fail(pi, p)
						return
					}
					emit(ji*len(account.Protocols)+pi, r)
				}()
			}
		}()
	}
	wg.Wait()
	return results
}

// checkRenewing checks t; when the server refuses the sign-in and renew is
// possible, it checks once more with a renewed token in what is left of the
// account's time. A failed renewal is the result (it says why: revoked,
// signed out).
func checkRenewing(ctx context.Context, t Target, tok string, opt Options, deadline time.Time, canRenew bool,
	renew func() (string, *status.Problem)) (status.Result, *status.Problem) {
	r := Check(ctx, t, tok, opt)
	if !canRenew || !signInRefused(r) {
		return r, nil
	}
	nt, p := renew()
	if p != nil {
		return r, p
	}
	if rest := time.Until(deadline); nt != tok && rest > 0 {
		opt.Timeout = rest
		r = Check(ctx, t, nt, opt)
	}
	return r, nil
}
