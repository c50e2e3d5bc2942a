package cli

import (
	"fmt"

	"mailoauth/core/app"
)

func init() {
	commands["card"] = command{needsSetup: true, run: (*runner).card, flags: flagSpec{"product": true}}
	commands["diagnose"] = command{needsSetup: true, run: (*runner).diagnose, flags: flagSpec{"timeout": true}}
}

func (a *runner) card(pa *parsed) int {
	name, code := a.oneName(pa, "card")
	if code != ExitOK {
		return code
	}
	fields, p := a.svc.Card(name, pa.str("product"))
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	if a.json {
		return a.printJSON(fields)
	}
	fmt.Fprint(a.env.Stdout, app.CardText(fields))
	return ExitOK
}

// diagnose checks the account and prints one redacted report for a ticket.
func (a *runner) diagnose(pa *parsed) int {
	name, code := a.oneName(pa, "diagnose")
	if code != ExitOK {
		return code
	}
	timeout, p := app.ParseTimeout(pa.str("timeout"))
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	ctx, cancel := a.interruptible()
	defer cancel()
	text, p := a.svc.Diagnostics(ctx, name, timeout)
	if p != nil {
		return a.failNamed(p, ExitFailure)
	}
	fmt.Fprint(a.env.Stdout, text)
	return ExitOK
}
