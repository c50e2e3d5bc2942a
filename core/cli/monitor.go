package cli

import (
	"fmt"

	"mailoauth/core/app"
	"mailoauth/core/status"
)

func init() {
	nested["eventlog"] = true
	commands["eventlog install"] = command{run: func(a *runner, _ *parsed) int {
		if p := app.InstallEventSource(); p != nil {
			return a.fail(p, ExitFailure)
		}
		fmt.Fprintln(a.env.Stdout, a.t("monitor.eventlog.installed", "source", app.EventSource))
		return ExitOK
	}}
	commands["eventlog remove"] = command{run: func(a *runner, _ *parsed) int {
		if p := app.RemoveEventSource(); p != nil {
			return a.fail(p, ExitFailure)
		}
		fmt.Fprintln(a.env.Stdout, a.t("monitor.eventlog.removed", "source", app.EventSource))
		return ExitOK
	}}
}

// monitorFlags reads check's --format (text, json, nagios; --json is json)
// and --event-log. With nagios every failure, a usage error too, becomes a
// plugin line and UNKNOWN (fail does that), as monitoring tools expect.
func (a *runner) monitorFlags(pa *parsed) int {
	switch f := pa.str("format"); f {
	case "", "text":
	case "json":
		a.json = true
	case "nagios":
		if a.json {
			return a.fail(status.New(status.Red, "monitor.format.invalid", "value", "--json --format nagios"), ExitUsage)
		}
		a.nagios = true
	default:
		return a.fail(status.New(status.Red, "monitor.format.invalid", "value", f), ExitUsage)
	}
	a.eventLog = pa.bools["event-log"]
	return ExitOK
}

// monitorReport writes the event log entries when asked and, for
// --format nagios, the plugin output; done tells check that the output is
// written and code is the exit code.
func (a *runner) monitorReport(results []status.Result, changed map[string]bool) (code int, done bool) {
	var logProblem *status.Problem
	if a.eventLog {
		logProblem = a.svc.WriteEvents(results, changed)
	}
	if a.nagios {
		text, code := app.Nagios(results, logProblem, a.lang)
		fmt.Fprint(a.env.Stdout, text)
		return code, true
	}
	if logProblem != nil {
		a.printProblem(a.env.Stderr, logProblem)
		return ExitFailure, true
	}
	return 0, false
}

// nagiosFailure is fail's output under --format nagios.
func (a *runner) nagiosFailure(p *status.Problem) int {
	text, code := app.Nagios(nil, p, a.lang)
	fmt.Fprint(a.env.Stdout, text)
	return code
}
