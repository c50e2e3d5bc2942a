package mailcheck

import (
	"context"
	"sync"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/status"
)

// Check checks one protocol of one account with the given access token.
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
	}
	return p.finish(err)
}

// Job is one account to check; Token is called at most once per run.
type Job struct {
	Account *account.Account
	Token   func(ctx context.Context) (string, *status.Problem)
}

// RunOptions tune a run over many accounts.
type RunOptions struct {
	// Parallel bounds the connections open at once (default 64).
	Parallel int
	Check    Options
}

// Run checks every enabled protocol of every account concurrently. report,
// if set, is called as each result arrives (the GUI updates its lights live;
// it is called from many goroutines). The returned results are in stable
// order: accounts as given, then IMAP, POP3, SMTP.
func Run(ctx context.Context, jobs []Job, opt RunOptions, report func(status.Result)) []status.Result {
	if opt.Parallel <= 0 {
		opt.Parallel = 64
	}
	sem := make(chan struct{}, opt.Parallel)
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
		// One token per account per run, shared by its protocols; fetched
		// by the first protocol that needs it.
		var once sync.Once
		var tok string
		var tokProblem *status.Problem
		token := func() (string, *status.Problem) {
			once.Do(func() { tok, tokProblem = job.Token(ctx) })
			return tok, tokProblem
		}
		for pi, proto := range account.Protocols {
			i := ji*len(account.Protocols) + pi
			srv := job.Account.Server(proto)
			base := status.Result{Account: job.Account.Name, Protocol: string(proto), Level: status.Grey, At: time.Now()}
			if !srv.Enabled {
				emit(i, base)
				continue
			}
			wg.Add(1)
			go func(i int, proto account.Protocol, srv account.Server) {
				defer wg.Done()
				t, p := token()
				if p != nil {
					base.Level, base.Problem = p.Level, p
					emit(i, base)
					return
				}
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					base.Level, base.Problem = status.Yellow, status.New(status.Yellow, "mailcheck.canceled")
					emit(i, base)
					return
				}
				r := Check(ctx, Target{Account: job.Account.Name, Protocol: proto, Server: srv, User: job.Account.MailboxAddress()}, t, opt.Check)
				<-sem
				emit(i, r)
			}(i, proto, srv)
		}
	}
	wg.Wait()
	return results
}
