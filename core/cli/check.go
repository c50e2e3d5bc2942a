package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"mailoauth/core/app"
	"mailoauth/core/status"
)

func init() {
	commands["check"] = command{needsSetup: true, run: (*runner).check, flags: flagSpec{"parallel": true, "timeout": true, "format": true, "event-log": false}}
	commands["send-test"] = command{needsSetup: true, run: (*runner).sendTest, flags: flagSpec{"to": true, "timeout": true}}
}

// checkJSON is one element of `check --json`; monitoring parses it, so a
// field is never renamed or removed, only added.
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

func (a *runner) check(pa *parsed) int {
	if code := a.monitorFlags(pa); code != ExitOK {
		return code
	}
	parallel, p := app.ParseParallel(pa.str("parallel"))
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	timeout, p := app.ParseTimeout(pa.str("timeout"))
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	ctx, cancel := a.interruptible()
	defer cancel()
	var changed map[string]bool
	results, p := a.svc.Check(ctx, pa.pos, app.CheckOptions{Parallel: parallel, Timeout: timeout, Changed: func(m map[string]bool) { changed = m }}, nil)
	if p != nil {
		switch {
		case p.Code == "cli.check.no_accounts":
			return a.fail(p, ExitUsage)
		case len(pa.pos) > 0:
			// A name that is no account is a usage error (exit 3); Check
			// finds out before any check runs.
			return a.failNamed(p, ExitFailure)
		}
		return a.fail(p, ExitFailure)
	}
	var levels []status.Level
	out := make([]checkJSON, 0, len(results))
	for _, r := range results {
		levels = append(levels, r.Level)
		out = append(out, a.toJSON(r))
	}
	if code, done := a.monitorReport(results, changed); done {
		return code
	}
	if a.json {
		a.printJSON(out)
	} else {
		a.printResults(out)
	}
	return status.ExitCode(status.Worst(levels...))
}

func (a *runner) toJSON(r status.Result) checkJSON {
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

func (a *runner) printResults(out []checkJSON) {
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

func (a *runner) sendTest(pa *parsed) int {
	name, code := a.oneName(pa, "send-test")
	if code != ExitOK {
		return code
	}
	timeout, p := app.ParseTimeout(pa.str("timeout"))
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	ctx, cancel := a.interruptible()
	defer cancel()
	r, p := a.svc.SendTest(ctx, name, pa.str("to"), timeout)
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	if a.json {
		a.printJSON(a.toJSON(r.Result))
	} else if r.Level == status.Green {
		fmt.Fprintln(a.env.Stdout, a.t("cli.send_test.sent", "name", name, "to", r.To, "from", r.From))
	} else {
		a.printResults([]checkJSON{a.toJSON(r.Result)})
	}
	if r.Level == status.Green {
		return ExitOK
	}
	return ExitFailure
}
