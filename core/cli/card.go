package cli

import (
	"context"
	"fmt"
	"time"

	"mailoauth/core/card"
	"mailoauth/core/mailcheck"
	"mailoauth/core/oauth"
	"mailoauth/core/report"
	"mailoauth/core/status"
	"mailoauth/core/version"
)

func init() {
	commands["card"] = command{needsSetup: true, run: (*app).card, flags: flagSpec{"product": true}}
	commands["diagnose"] = command{needsSetup: true, run: (*app).diagnose, flags: flagSpec{"timeout": true}}
}

func (a *app) card(pa *parsed) int {
	name, code := a.oneName(pa, "card")
	if code != ExitOK {
		return code
	}
	acct, code := a.getAccount(name)
	if code != ExitOK {
		return code
	}
	fields, ok := card.ForProduct(pa.str("product"), acct, "", a.lang)
	if !ok {
		return a.fail(status.New(status.Red, "cli.card.product", "product", pa.str("product"), "products", card.ProductIDs()), ExitUsage)
	}
	if a.json {
		return a.printJSON(fields)
	}
	fmt.Fprint(a.env.Stdout, card.Text(fields))
	return ExitOK
}

// diagnose checks the account and prints one redacted report for a ticket.
func (a *app) diagnose(pa *parsed) int {
	acct, code := a.namedAccount(pa, "diagnose")
	if code != ExitOK {
		return code
	}
	opt, code := a.mailOptions(pa)
	if code != ExitOK {
		return code
	}
	ctx, cancel := interruptible()
	defer cancel()
	var claims *oauth.Claims
	c, tokP := a.tokens.Claims(ctx, acct)
	if tokP == nil {
		claims = &c
	}
	opt.Version = version.Version
	job := mailcheck.Job{Account: acct, Token: func(ctx context.Context) (string, *status.Problem) { return a.tokens.AccessToken(ctx, acct) }}
	results := mailcheck.Run(ctx, []mailcheck.Job{job}, mailcheck.RunOptions{Check: opt}, nil)
	fmt.Fprint(a.env.Stdout, report.Diagnostics(acct, claims, tokP, results, a.lang, time.Now()))
	return ExitOK
}
