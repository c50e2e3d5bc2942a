package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/mailcheck"
	"mailoauth/core/status"
	"mailoauth/core/version"
)

func init() {
	commands["check"] = command{needsSetup: true, run: (*app).check, flags: flagSpec{"parallel": true, "timeout": true}}
	commands["send-test"] = command{needsSetup: true, run: (*app).sendTest, flags: flagSpec{"to": true, "timeout": true}}
}

// checkJSON is one element of `check --json`, as DESIGN.md fixes it.
type checkJSON struct {
	Account    string        `json:"account"`
	Protocol   string        `json:"protocol"`
	Status     string        `json:"status"`
	Problem    string        `json:"problem"`
	Message    string        `json:"message"`
	Fix        string        `json:"fix"`
	Detail     string        `json:"detail"`
	DurationMS int64         `json:"duration_ms"`
	Steps      []status.Step `json:"steps,omitempty"`
}

func (a *app) mailOptions(pa *parsed) (mailcheck.Options, int) {
	opt := mailcheck.Options{RootCAs: a.env.RootCAs, Version: version.Version, Transcript: a.log.Transcript()}
	if v := pa.str("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return opt, a.fail(status.New(status.Red, "cli.bad_duration", "value", v), ExitUsage)
		}
		opt.Timeout = d
	}
	return opt, ExitOK
}

func (a *app) check(pa *parsed) int {
	list, p := a.store.List()
	if p != nil && p.Level == status.Red {
		return a.fail(p, ExitFailure)
	}
	var chosen []account.Account
	if len(pa.pos) == 0 {
		chosen = list
	} else {
		for _, name := range pa.pos {
			acct, code := a.getAccount(name)
			if code != ExitOK {
				return code
			}
			chosen = append(chosen, *acct)
		}
	}
	if len(chosen) == 0 {
		return a.fail(status.New(status.Red, "cli.check.no_accounts"), ExitUsage)
	}
	parallel := 64
	if v := pa.str("parallel"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return a.fail(status.New(status.Red, "cli.bad_parallel", "value", v), ExitUsage)
		}
		parallel = n
	}
	opt, code := a.mailOptions(pa)
	if code != ExitOK {
		return code
	}
	ctx, cancel := interruptible()
	defer cancel()
	// One run per account at a time, also beside the window and `watch`:
	// wait for theirs; an account still busy after that is reported, not checked.
	lctx, lcancel := context.WithTimeout(ctx, runLockWait)
	release, busy := a.store.LockRuns(lctx, accountNames(chosen))
	lcancel()
	defer release()
	jobs := make([]mailcheck.Job, len(chosen))
	for i := range chosen {
		acct := &chosen[i]
		jobs[i] = mailcheck.Job{Account: acct, Token: func(ctx context.Context) (string, *status.Problem) {
			if p := busy[acct.Name]; p != nil {
				return "", p
			}
			return a.tokens.AccessToken(ctx, acct)
		}}
	}
	results := mailcheck.Run(ctx, jobs, mailcheck.RunOptions{Parallel: parallel, Check: opt}, nil)
	for i := range results {
		if p := a.store.RememberIMAP(&results[i]); p != nil {
			a.log.Printf("could not store what the IMAP check learnt: %s", p.Error())
		}
	}
	if _, p := a.results.Record(results); p != nil {
		a.log.Printf("could not keep the results: %s", p.Error())
	}
	var levels []status.Level
	out := make([]checkJSON, 0, len(results))
	for _, r := range results {
		levels = append(levels, r.Level)
		a.log.Printf("check %s %s: %s %s", r.Account, r.Protocol, r.Level, problemCode(r.Problem))
		out = append(out, a.toJSON(r))
	}
	if a.json {
		a.printJSON(out)
	} else {
		a.printResults(out)
	}
	return status.ExitCode(status.Worst(levels...))
}

// runLockWait bounds the wait for other runs of the chosen accounts: one
// run is at most a refresh (with its own lock wait) and a 30 s check.
const runLockWait = 3 * time.Minute

func accountNames(list []account.Account) []string {
	names := make([]string, len(list))
	for i := range list {
		names[i] = list[i].Name
	}
	return names
}

func problemCode(p *status.Problem) string {
	if p == nil {
		return ""
	}
	return p.Code
}

func (a *app) toJSON(r status.Result) checkJSON {
	j := checkJSON{Account: r.Account, Protocol: r.Protocol, Status: string(r.Level), DurationMS: r.Duration.Milliseconds(), Steps: r.Steps}
	if r.Problem != nil {
		j.Problem = r.Problem.Code
		j.Message = r.Problem.Message(a.lang)
		j.Fix = r.Problem.Fix(a.lang)
		j.Detail = r.Problem.Detail
	} else {
		j.Message = a.t("cli.check.level." + string(r.Level))
	}
	return j
}

var lamp = map[string]string{"green": "●", "yellow": "●", "red": "●", "grey": "○"}

func (a *app) printResults(out []checkJSON) {
	w := tabwriter.NewWriter(a.env.Stdout, 2, 4, 2, ' ', 0)
	for _, r := range out {
		fmt.Fprintf(w, "%s %s\t%s\t%s\t%s\t%dms\n", lamp[r.Status], a.t("cli.check.level_word."+r.Status), r.Account, strings.ToUpper(r.Protocol), r.Message, r.DurationMS)
		if r.Fix != "" {
			fmt.Fprintf(w, "\t\t\t%s: %s\n", a.t("common.fix_prefix"), r.Fix)
		}
		if r.Detail != "" {
			fmt.Fprintf(w, "\t\t\t%s: %s\n", a.t("cli.detail"), r.Detail)
		}
	}
	w.Flush()
}

func (a *app) sendTest(pa *parsed) int {
	acct, code := a.namedAccount(pa, "send-test")
	if code != ExitOK {
		return code
	}
	if !acct.SMTP.Enabled {
		return a.fail(status.New(status.Red, "cli.send_test.smtp_off", "name", acct.Name), ExitUsage)
	}
	to := acct.MailboxAddress()
	if v := pa.str("to"); v != "" {
		addr, p := account.ParseAddress("to", v)
		if p != nil {
			return a.fail(p, ExitUsage)
		}
		to = addr
	}
	opt, code := a.mailOptions(pa)
	if code != ExitOK {
		return code
	}
	ctx, cancel := interruptible()
	defer cancel()
	tok, opt, p := mailcheck.FetchToken(ctx, a.tokens.Source(acct), opt)
	if p != nil {
		return a.fail(p, ExitFailure)
	}
	target := mailcheck.TargetFor(acct, account.SMTP)
	r := mailcheck.SendTest(ctx, target, tok, to, a.lang, opt)
	a.log.Printf("send-test %s to %s: %s %s", acct.Name, to, r.Level, problemCode(r.Problem))
	if a.json {
		a.printJSON(a.toJSON(r))
	} else if r.Level == status.Green {
		fmt.Fprintln(a.env.Stdout, a.t("cli.send_test.sent", "name", acct.Name, "to", to, "from", acct.MailboxAddress()))
	} else {
		a.printResults([]checkJSON{a.toJSON(r)})
	}
	if r.Level == status.Green {
		return ExitOK
	}
	return ExitFailure
}
