package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"mailoauth/core/app"
)

func init() {
	commands["authorize"] = command{needsSetup: true, run: (*runner).authorize, flags: flagSpec{"no-browser": false, "device": false, "timeout": true}}
	commands["token"] = command{needsSetup: true, run: (*runner).tokenClaims}
	commands["access-token"] = command{needsSetup: true, run: (*runner).accessToken}
	commands["logout"] = command{needsSetup: true, run: (*runner).logout}
	commands["consent"] = command{needsSetup: true, run: (*runner).consent, flags: flagSpec{"no-browser": false, "timeout": true}}
}

// interruptible is the context of a command that may wait (a sign-in, a
// check, watch): Ctrl+C ends it, and so does the end of Env.Context, so a
// waiting sign-in ends cleanly (the listener closes) instead of being
// killed.
func (a *runner) interruptible() (context.Context, context.CancelFunc) {
	base := a.env.Context
	if base == nil {
		base = context.Background()
	}
	return signal.NotifyContext(base, os.Interrupt)
}

func (a *runner) authorize(pa *parsed) int {
	acct, code := a.namedAccount(pa, "authorize")
	if code != ExitOK {
		return code
	}
	if acct.Flow == app.FlowApp {
		fmt.Fprintln(a.env.Stdout, a.t("cli.authorize.app_flow", "name", acct.Name))
		return ExitOK
	}
	opts := app.AuthorizeOptions{
		Device: pa.bools["device"],
		ReadPasted: func(ctx context.Context) (string, error) {
			fmt.Fprintln(a.env.Stderr, a.t("cli.authorize.paste"))
			return readLine(ctx, a.env.Stdin)
		},
		ReadErrorCode: func(ctx context.Context) (string, error) { return readLine(ctx, a.env.Stdin) },
		OnDeviceCode: func(d app.DeviceCode) {
			fmt.Fprintln(a.env.Stderr, a.t("cli.authorize.device", "url", d.URL, "code", d.Code,
				"time", d.Expires.Local().Format("15:04:05")))
		},
	}
	bo, code := a.browserFlags(pa, "cli.authorize.open_url")
	if code != ExitOK {
		return code
	}
	opts.BrowserOptions = bo
	opts.OnWaiting = func(deadline time.Time) {
		fmt.Fprintln(a.env.Stderr, a.t("cli.authorize.waiting",
			"wait", waitText(time.Until(deadline)),
			"time", deadline.Local().Format("15:04:05")))
	}
	ctx, cancel := a.interruptible()
	defer cancel()
	res, p := a.svc.Authorize(ctx, acct.Name, opts)
	if p != nil {
		code := a.fail(p, ExitFailure)
		if app.NeedsAdminConsent(p) {
			fmt.Fprintln(a.env.Stderr, a.t("cli.authorize.consent_hint", "name", acct.Name))
		}
		return code
	}
	fmt.Fprintln(a.env.Stdout, a.t("cli.authorize.done", "name", acct.Name, "user", res.User))
	if len(res.Shared) > 0 {
		fmt.Fprintln(a.env.Stdout, a.t("signin.shared", "names", strings.Join(res.Shared, ", ")))
	}
	for _, w := range res.Warnings {
		a.printNote(a.env.Stderr, w)
	}
	fmt.Fprintln(a.env.Stdout, a.t("cli.authorize.next_check", "name", acct.Name))
	return ExitOK
}

// readLine reads one line from r, giving up when ctx ends.
func readLine(ctx context.Context, r interface{ Read([]byte) (int, error) }) (string, error) {
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := bufio.NewReader(r).ReadString('\n')
		ch <- res{strings.TrimSpace(s), err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case v := <-ch:
		if v.s != "" {
			return v.s, nil
		}
		return v.s, v.err
	}
}

func (a *runner) tokenClaims(pa *parsed) int {
	name, code := a.oneName(pa, "token")
	if code != ExitOK {
		return code
	}
	ctx, cancel := a.interruptible()
	defer cancel()
	info, p := a.svc.TokenClaims(ctx, name)
	if p != nil {
		return a.failNamed(p, ExitFailure)
	}
	c := info.Claims
	if a.json {
		return a.printJSON(map[string]any{
			"aud": c.Aud, "scp": c.Scp, "roles": c.Roles, "upn": c.UPN,
			"preferred_username": c.PreferredUsername, "tid": c.TID, "oid": c.OID, "appid": c.AppID,
			"exp": c.Exp.UTC().Format(time.RFC3339), "iat": c.Iat.UTC().Format(time.RFC3339), "user": c.User(),
		})
	}
	w := tabwriter.NewWriter(a.env.Stdout, 2, 4, 2, ' ', 0)
	user := c.User()
	if user == "" {
		// An app-only token has roles and no user.
		user = a.t("cli.claims.no_user")
	}
	fmt.Fprintf(w, "%s:\t%s\n", a.t("cli.claims.user"), user)
	fmt.Fprintf(w, "aud:\t%s\n", c.Aud)
	if c.Scp != "" {
		fmt.Fprintf(w, "scp:\t%s\n", c.Scp)
	}
	if len(c.Roles) > 0 {
		fmt.Fprintf(w, "roles:\t%s\n", strings.Join(c.Roles, " "))
	}
	fmt.Fprintf(w, "tid:\t%s\n", c.TID)
	fmt.Fprintf(w, "appid:\t%s\n", c.AppID)
	fmt.Fprintf(w, "%s:\t%s\n", a.t("cli.claims.expires"), c.Exp.Local().Format("2006-01-02 15:04:05"))
	w.Flush()
	for _, p := range info.Warnings {
		a.printNote(a.env.Stderr, p)
	}
	return ExitOK
}

// accessToken is the one place where a token leaves the program: on stdout,
// for helper programs (mutt, msmtp, ...). Nothing else is printed there.
func (a *runner) accessToken(pa *parsed) int {
	name, code := a.oneName(pa, "access-token")
	if code != ExitOK {
		return code
	}
	ctx, cancel := a.interruptible()
	defer cancel()
	tok, p := a.svc.AccessToken(ctx, name)
	if p != nil {
		return a.failNamed(p, ExitFailure)
	}
	fmt.Fprintln(a.env.Stdout, tok)
	return ExitOK
}

func (a *runner) logout(pa *parsed) int {
	name, code := a.oneName(pa, "logout")
	if code != ExitOK {
		return code
	}
	if p := a.svc.Logout(context.Background(), name); p != nil {
		return a.failNamed(p, ExitFailure)
	}
	fmt.Fprintln(a.env.Stdout, a.t("cli.logout.done", "name", name))
	return ExitOK
}

// waitText says how long a sign-in may take: whole minutes from one minute
// on (the default is 5), seconds below, never "0 minutes".
func waitText(d time.Duration) string {
	if d >= time.Minute {
		return fmt.Sprintf("%d min", int(d.Round(time.Minute)/time.Minute))
	}
	s := int((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return fmt.Sprintf("%d s", s)
}

// consent opens the admin-consent page for the account's app and tenant: an
// administrator consents once for the whole organisation (AADSTS65001,
// 90094), then everyone can authorize.
func (a *runner) consent(pa *parsed) int {
	name, code := a.oneName(pa, "consent")
	if code != ExitOK {
		return code
	}
	bo, code := a.browserFlags(pa, "cli.consent.open_url")
	if code != ExitOK {
		return code
	}
	ctx, cancel := a.interruptible()
	defer cancel()
	if p := a.svc.AdminConsent(ctx, name, bo); p != nil {
		return a.failNamed(p, ExitFailure)
	}
	fmt.Fprintln(a.env.Stdout, a.t("cli.consent.done", "name", name))
	return ExitOK
}

// browserFlags reads --no-browser (the address is only printed) and
// --timeout of a browser round trip; openKey introduces the printed address.
func (a *runner) browserFlags(pa *parsed, openKey string) (app.BrowserOptions, int) {
	d, p := app.ParseTimeout(pa.str("timeout"))
	if p != nil {
		return app.BrowserOptions{}, a.fail(p, ExitUsage)
	}
	return app.BrowserOptions{
		Timeout:   d,
		NoBrowser: pa.bools["no-browser"],
		OnURL:     func(u string) { fmt.Fprintf(a.env.Stderr, "%s\n  %s\n", a.t(openKey), u) },
	}, ExitOK
}
