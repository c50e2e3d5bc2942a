package app

import (
	"context"
	"sync"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/card"
	"mailoauth/core/mailcheck"
	"mailoauth/core/oauth"
	"mailoauth/core/report"
	"mailoauth/core/results"
	"mailoauth/core/status"
)

// CheckOptions tune a check run.
type CheckOptions struct {
	// Parallel bounds the connections open at once (0: DefaultParallel).
	Parallel int
	// Timeout bounds each check (0: the checks' default).
	Timeout time.Duration
	// Changed, if set, gets the accounts whose light changed with this run
	// (nil when the results could not be kept), for WriteEvents.
	Changed func(map[string]bool)
	// OnChange, if set, gets every changed light of this run once the
	// results are kept — the same events, by the same rule, as
	// WatchOptions.OnChange: Change.Notify() says whether one deserves a
	// desktop notification. A change the watcher (or another process)
	// recorded first is not reported again here.
	OnChange func(Change)
}

// Check checks every enabled protocol of the named accounts (all when none
// is named). report, if set, gets each result as it arrives, from many
// goroutines; every result is final: what the IMAP check learnt (a moved
// mailbox) is already folded in. The results come back in stable order.
// The problem is for a name that is not an account or a store that cannot
// be read.
func (s *Service) Check(ctx context.Context, names []string, o CheckOptions, report func(status.Result)) ([]status.Result, *status.Problem) {
	chosen, p := s.choose(names)
	if p != nil {
		return nil, p
	}
	// One run per account at a time, across the window, `watch` and a
	// scheduled `check`: wait for theirs; an account still busy after that
	// is reported, not checked.
	lctx, lcancel := context.WithTimeout(ctx, runLockWait)
	release, busy := s.store.LockRuns(lctx, accountNames(chosen))
	lcancel()
	defer release()
	results := s.run(ctx, chosen, busy, o, report)
	// The last results last: the window shows them at start, `watch`
	// compares against them.
	changes, p := s.results.Record(results, chosen...)
	if p != nil {
		s.log.Printf("could not keep the results: %s", p.Error())
	}
	for _, c := range changes {
		s.changed("check", c, o.OnChange)
	}
	if o.Changed != nil {
		o.Changed(changedAccounts(changes, p))
	}
	return results, nil
}

// changed logs a changed light and hands it on: one path for the changes of
// Check and of the watcher.
func (s *Service) changed(who string, c Change, on func(Change)) {
	s.log.Printf("%s %s: %s -> %s (%s)", who, c.Account, c.Old, c.New, c.Kind)
	if on != nil {
		on(c)
	}
}

// run checks the accounts (whose run locks the caller holds; busy ones get
// their problem instead of a check) with every result made final.
func (s *Service) run(ctx context.Context, chosen []Account, busy map[string]*status.Problem, o CheckOptions, report func(status.Result)) []status.Result {
	jobs := make([]mailcheck.Job, len(chosen))
	for i := range chosen {
		acct := &chosen[i]
		jobs[i] = mailcheck.JobFor(acct, s.tokens)
		if p := busy[acct.Name]; p != nil {
			jobs[i].Token = func(context.Context) (string, *status.Problem) { return "", p }
		}
	}
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	byName := make(map[string]*Account, len(chosen))
	for i := range chosen {
		byName[chosen[i].Name] = &chosen[i]
	}
	var mu sync.Mutex
	final := map[string]status.Result{}
	out := mailcheck.Run(ctx, jobs, mailcheck.RunOptions{Parallel: o.Parallel, Check: s.checkOptions(o.Timeout)}, func(r status.Result) {
		s.final(&r, byName[r.Account])
		mu.Lock()
		final[r.Account+"/"+r.Protocol] = r
		mu.Unlock()
		if report != nil {
			report(r)
		}
	})
	for i, r := range out {
		if f, ok := final[r.Account+"/"+r.Protocol]; ok {
			out[i] = f
		}
	}
	return out
}

// runLockWait bounds the wait for other runs of the chosen accounts: one
// run is at most a refresh (with its own lock wait) and a 30 s check.
const runLockWait = 3 * time.Minute

func accountNames(list []Account) []string {
	names := make([]string, len(list))
	for i := range list {
		names[i] = list[i].Name
	}
	return names
}

// final folds what the IMAP check learnt into the result (a moved mailbox
// turns it yellow) and a client secret that ends soon (yellow while there
// is time to renew it), and logs it.
func (s *Service) final(r *status.Result, a *Account) {
	if p := s.store.RememberIMAP(r); p != nil {
		s.log.Printf("could not store what the IMAP check learnt: %s", p.Error())
	}
	if r.Level == status.Green {
		if p := results.SecretDue(a, time.Now()); p != nil {
			r.Level, r.Problem = status.Yellow, p
		}
	}
	code := ""
	if r.Problem != nil {
		code = r.Problem.Code
	}
	s.log.Printf("check %s %s: %s %s", r.Account, r.Protocol, r.Level, code)
}

// choose loads the named accounts, or all.
func (s *Service) choose(names []string) ([]Account, *status.Problem) {
	if len(names) == 0 {
		list, p := s.store.List()
		if p != nil && p.Level == status.Red {
			return nil, p
		}
		if len(list) == 0 {
			return nil, status.New(status.Red, "cli.check.no_accounts")
		}
		return list, nil
	}
	out := make([]Account, 0, len(names))
	for _, n := range names {
		a, p := s.store.Get(n)
		if p != nil {
			return nil, p
		}
		out = append(out, *a)
	}
	return out, nil
}

// Sent is a test mail's outcome.
type Sent struct {
	status.Result
	From, To string
}

// SendTest sends a test mail from the account's mailbox to to (the mailbox
// itself when empty). The problem is for input that cannot be used (an
// unknown account, SMTP off, a bad address); everything the server or the
// identity platform said is in the result.
func (s *Service) SendTest(ctx context.Context, name, to string, timeout time.Duration) (*Sent, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return nil, p
	}
	if !a.SMTP.Enabled {
		return nil, status.New(status.Red, "cli.send_test.smtp_off", "name", name)
	}
	if to == "" {
		to = a.MailboxAddress()
	} else if to, p = account.ParseAddress("to", to); p != nil {
		return nil, p
	}
	out := &Sent{From: a.MailboxAddress(), To: to}
	// The timeout bounds the whole send, the token fetch included.
	tok, opt, p := mailcheck.FetchToken(ctx, s.tokens.Source(a), s.checkOptions(timeout))
	if p != nil {
		out.Result = status.Result{Account: name, Protocol: string(account.SMTP), Level: p.Level, Problem: p, At: time.Now()}
	} else {
		out.Result = mailcheck.SendTest(ctx, mailcheck.TargetFor(a, account.SMTP), tok, to, s.lang, opt)
	}
	code := ""
	if out.Problem != nil {
		code = out.Problem.Code
	}
	s.log.Printf("send-test %s to %s: %s %s", a.Name, to, out.Level, code)
	return out, nil
}

// Diagnostics checks the account and returns one redacted report for a
// helpdesk ticket.
func (s *Service) Diagnostics(ctx context.Context, name string, timeout time.Duration) (string, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return "", p
	}
	var claims *oauth.Claims
	// The token's claims within the check's timeout too: a stalled token
	// endpoint must not hold the report for the token request's own limit.
	cctx, cancel := context.WithTimeout(ctx, s.checkOptions(timeout).Bound())
	c, tokP := s.tokens.Claims(cctx, a)
	cancel()
	if tokP == nil {
		claims = &c
	}
	results, p := s.Check(ctx, []string{name}, CheckOptions{Timeout: timeout}, nil)
	if p != nil {
		return "", p
	}
	s.log.Printf("diagnostics for %s", a.Name)
	return report.Diagnostics(a, claims, tokP, results, s.lang, time.Now()) + report.LogTrouble(s.log.Err(), s.lang), nil
}

// CardField is one line of a settings card.
type CardField = card.Field

// Product is a product with its own settings card.
type Product = card.Product

// Products lists the products with their own card, the generic one first.
func Products() []Product { return card.Products }

// Card is the settings card of an account for a product ("" generic).
func (s *Service) Card(name, product string) ([]CardField, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return nil, p
	}
	fields, ok := card.ForProduct(product, a, "", s.lang)
	if !ok {
		return nil, status.New(status.Red, "cli.card.product", "product", product, "products", card.ProductIDs())
	}
	return fields, nil
}

// CardText renders a card as plain text, for the CLI and the clipboard.
func CardText(fields []CardField) string { return card.Text(fields) }
