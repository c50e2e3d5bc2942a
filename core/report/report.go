// Package report writes the one redacted diagnostics report a helpdesk
// attaches to a ticket: version and platform, the account's settings card,
// what the token says about the sign-in (never the token), and every check
// with its steps, durations, server replies, problem and fix.
package report

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/card"
	"mailoauth/core/i18n"
	"mailoauth/core/netproxy"
	"mailoauth/core/oauth"
	"mailoauth/core/redact"
	"mailoauth/core/status"
	"mailoauth/core/version"
)

// Diagnostics renders the report. claims may be nil, then tokenProblem says
// why there is no token.
func Diagnostics(a *account.Account, claims *oauth.Claims, tokenProblem *status.Problem, results []status.Result, lang i18n.Lang, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s, %s/%s, %s\n", i18n.T(lang, "report.title", nil), version.String(), runtime.GOOS, runtime.GOARCH, now.UTC().Format(time.RFC3339))
	// Which proxy the sign-in goes through: the first suspect when it
	// works in the browser but not here.
	fmt.Fprintf(&b, "%s\n\n", netproxy.Describe(a.Authority+"/", lang))
	sent := ""
	for _, r := range results {
		if r.Info["sent_folder"] != "" {
			sent = r.Info["sent_folder"]
		}
	}
	fmt.Fprintf(&b, "== %s: %s ==\n%s\n", i18n.T(lang, "report.account", nil), a.Name, card.Text(card.Generic(a, sent, lang)))
	fmt.Fprintf(&b, "== %s ==\n", i18n.T(lang, "report.token", nil))
	if claims != nil {
		fmt.Fprintf(&b, "user: %s\naud: %s\nscp: %s\nroles: %s\ntid: %s\nappid: %s\nexp: %s\n", claims.User(), claims.Aud, claims.Scp,
			strings.Join(claims.Roles, " "), claims.TID, claims.AppID, claims.Exp.UTC().Format(time.RFC3339))
		for _, p := range append([]*status.Problem{oauth.CheckUser(*claims, a.Login)}, oauth.CheckScopes(*claims, a)...) {
			if p != nil {
				fmt.Fprintf(&b, "! %s\n  %s\n", p.Message(lang), p.Fix(lang))
			}
		}
	} else if tokenProblem != nil {
		fmt.Fprintf(&b, "%s: %s\n  %s\n  %s\n", i18n.T(lang, "report.no_token", nil), tokenProblem.Message(lang), tokenProblem.Fix(lang), tokenProblem.Detail)
	}
	fmt.Fprintf(&b, "\n== %s ==\n", i18n.T(lang, "report.checks", nil))
	for _, r := range results {
		fmt.Fprintf(&b, "%s %s %dms\n", strings.ToUpper(r.Protocol), r.Level, r.Duration.Milliseconds())
		for _, s := range r.Steps {
			ok := "ok"
			if !s.OK {
				ok = "FAILED"
			}
			fmt.Fprintf(&b, "  %-12s %6.1fms %-6s %s\n", s.Name, float64(s.Duration.Microseconds())/1000, ok, s.Reply)
		}
		if r.Problem != nil {
			fmt.Fprintf(&b, "  ! %s\n    %s\n    %s\n", r.Problem.Message(lang), r.Problem.Fix(lang), r.Problem.Detail)
		}
	}
	// Everything above is redacted already; this pass catches what a server
	// echoed back.
	return redact.String(b.String())
}

// LogTrouble is the report's section on a log that could not be written or
// rotated, "" when there was no trouble: the helpdesk then knows why lines
// it looks for may be missing from the log.
func LogTrouble(err error, lang i18n.Lang) string {
	if err == nil {
		return ""
	}
	return redact.String(fmt.Sprintf("\n== %s ==\n%s\n", i18n.T(lang, "report.log", nil), err.Error()))
}
