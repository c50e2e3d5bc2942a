package cli

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"mailoauth/core/app"
	"mailoauth/core/status"
)

func init() {
	commands["watch"] = command{needsSetup: true, run: (*runner).watch, flags: flagSpec{"every": true, "timeout": true, "parallel": true}}
}

// watch runs the schedule headless and prints each changed light until
// Ctrl+C.
func (a *runner) watch(pa *parsed) int {
	every, p := app.ParseEvery(pa.str("every"))
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	if pa.str("every") == "" {
		// The window's schedule: a script's watch of the same config folder
		// keeps the interval set there. Where watching is switched off there,
		// a watch started by hand still watches, at the default.
		if set, p := a.svc.Settings(); p == nil && set.Every() > 0 {
			every = set.Every()
		}
	}
	timeout, p := app.ParseTimeout(pa.str("timeout"))
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	parallel, p := app.ParseParallel(pa.str("parallel"))
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	var mu sync.Mutex // lines come from many checks at once
	say := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(a.env.Stdout, time.Now().Format("2006-01-02 15:04:05")+"  "+line)
	}
	w, p := a.svc.Watch(app.WatchOptions{
		Names: pa.pos, Every: every, Parallel: parallel, Timeout: timeout,
		OnChange: func(c app.Change) { say(a.changeLine(c)) },
		OnSkip:   func(name string) { say(a.t("watch.skipped", "name", name)) },
		OnProblem: func(p *status.Problem) {
			mu.Lock()
			defer mu.Unlock()
			a.printProblem(a.env.Stderr, p)
		},
	})
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	ctx, cancel := a.interruptible()
	defer cancel()
	what := a.t("watch.all")
	if len(pa.pos) > 0 {
		what = strings.Join(pa.pos, ", ")
	}
	say(a.t("watch.started", "what", what, "every", waitText(every)))
	w.Run(ctx)
	say(a.t("watch.stopped"))
	return ExitOK
}

// changeLine renders a changed light: the account, old → new, and the
// problem in one line.
func (a *runner) changeLine(c app.Change) string {
	word := a.lightWord
	key := "watch.change." + string(c.Kind)
	args := []string{"name", c.Account, "old", word(c.Old), "new", word(c.New)}
	if c.Problem == nil {
		return a.t(key, args...)
	}
	return a.t(key+"_problem", append(args, "protocol", strings.ToUpper(c.Problem.Protocol), "problem", c.Problem.Status().Message(a.lang))...)
}
