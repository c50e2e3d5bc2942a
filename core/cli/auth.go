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

	"mailoauth/core/account"
	"mailoauth/core/oauth"
	"mailoauth/core/status"
)

func init() {
	commands["authorize"] = command{needsSetup: true, run: (*app).authorize, flags: flagSpec{"no-browser": false, "device": false, "timeout": true}}
	commands["token"] = command{needsSetup: true, run: (*app).tokenClaims}
	commands["access-token"] = command{needsSetup: true, run: (*app).accessToken}
	commands["logout"] = command{needsSetup: true, run: (*app).logout}
	commands["consent"] = command{needsSetup: true, run: (*app).consent, flags: flagSpec{"no-browser": false, "timeout": true}}
}

// interruptible returns a context that Ctrl+C cancels, so a waiting sign-in
// ends cleanly (the listener closes) instead of being killed.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

func (a *app) authorize(pa *parsed) int {
	acct, code := a.namedAccount(pa, "authorize")
	if code != ExitOK {
		return code
	}
	if acct.Flow == account.FlowApp {
		fmt.Fprintln(a.env.Stdout, a.t("cli.authorize.app_flow", "name", acct.Name))
		return ExitOK
	}
	opts := oauth.SignInOptions{
		Lang:  a.lang,
		OnURL: func(u string) { fmt.Fprintf(a.env.Stderr, "%s\n  %s\n", a.t("cli.authorize.open_url"), u) },
		OnWaiting: func(deadline time.Time) {
			fmt.Fprintln(a.env.Stderr, a.t("cli.authorize.waiting",
				"wait", waitText(time.Until(deadline)),
				"time", deadline.Local().Format("15:04:05")))
		},
		OpenBrowser: a.env.OpenBrowser,
		ReadPasted: func(ctx context.Context) (string, error) {
			fmt.Fprintln(a.env.Stderr, a.t("cli.authorize.paste"))
			return readLine(ctx, a.env.Stdin)
		},
	}
	if pa.bools["device"] || acct.Flow == account.FlowDevice {
		opts.Device = true
		opts.OnDeviceCode = func(d *oauth.DeviceCode) {
			fmt.Fprintln(a.env.Stderr, a.t("cli.authorize.device", "url", d.VerificationURI, "code", d.UserCode,
				"time", d.Expires.Local().Format("15:04:05")))
		}
	}
	if code := a.browserFlags(pa, &opts); code != ExitOK {
		return code
	}
	ctx, cancel := interruptible()
	defer cancel()
	_, claims, p := a.tokens.Authorize(ctx, acct, opts)
	if p != nil {
		code := a.fail(p, ExitFailure)
		if oauth.NeedsAdminConsent(p) {
			fmt.Fprintln(a.env.Stderr, a.t("cli.authorize.consent_hint", "name", acct.Name))
		}
		return code
	}
	user := claims.User()
	a.log.Printf("authorized %s as %s", acct.Name, user)
	fmt.Fprintln(a.env.Stdout, a.t("cli.authorize.done", "name", acct.Name, "user", user))
	if w := oauth.CheckUser(claims, acct.Login); w != nil {
		a.printProblem(a.env.Stderr, w)
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

func (a *app) tokenClaims(pa *parsed) int {
	acct, code := a.namedAccount(pa, "token")
	if code != ExitOK {
		return code
	}
	ctx, cancel := interruptible()
	defer cancel()
	c, p := a.tokens.Claims(ctx, acct)
	if p != nil {
		return a.fail(p, ExitFailure)
	}
	if a.json {
		return a.printJSON(map[string]any{
			"aud": c.Aud, "scp": c.Scp, "roles": c.Roles, "upn": c.UPN,
			"preferred_username": c.PreferredUsername, "tid": c.TID, "oid": c.OID, "appid": c.AppID,
			"exp": c.Exp.UTC().Format(time.RFC3339), "iat": c.Iat.UTC().Format(time.RFC3339), "user": c.User(),
		})
	}
	w := tabwriter.NewWriter(a.env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s:\t%s\n", a.t("cli.claims.user"), c.User())
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
	for _, p := range append([]*status.Problem{oauth.CheckUser(c, acct.Login)}, oauth.CheckScopes(c, acct)...) {
		if p != nil {
			a.printProblem(a.env.Stderr, p)
		}
	}
	return ExitOK
}

// accessToken is the one place where a token leaves the program: on stdout,
// for helper programs (mutt, msmtp, ...). Nothing else is printed there.
func (a *app) accessToken(pa *parsed) int {
	acct, code := a.namedAccount(pa, "access-token")
	if code != ExitOK {
		return code
	}
	ctx, cancel := interruptible()
	defer cancel()
	tok, p := a.tokens.AccessToken(ctx, acct)
	if p != nil {
		return a.fail(p, ExitFailure)
	}
	a.log.Printf("access token handed out for %s", acct.Name)
	fmt.Fprintln(a.env.Stdout, tok)
	return ExitOK
}

func (a *app) logout(pa *parsed) int {
	name, code := a.oneName(pa, "logout")
	if code != ExitOK {
		return code
	}
	if _, code := a.getAccount(name); code != ExitOK {
		return code
	}
	if p := a.tokens.Logout(context.Background(), name); p != nil {
		return a.fail(p, ExitFailure)
	}
	a.log.Printf("logged out: %s", name)
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
func (a *app) consent(pa *parsed) int {
	acct, code := a.namedAccount(pa, "consent")
	if code != ExitOK {
		return code
	}
	cfg := oauth.ConfigFor(acct, "", a.http)
	opts := oauth.SignInOptions{
		Lang:        a.lang,
		OnURL:       func(u string) { fmt.Fprintf(a.env.Stderr, "%s\n  %s\n", a.t("cli.consent.open_url"), u) },
		OpenBrowser: a.env.OpenBrowser,
	}
	if code := a.browserFlags(pa, &opts); code != ExitOK {
		return code
	}
	ctx, cancel := interruptible()
	defer cancel()
	if p := oauth.AdminConsent(ctx, &cfg, opts); p != nil {
		return a.fail(p, ExitFailure)
	}
	fmt.Fprintln(a.env.Stdout, a.t("cli.consent.done", "name", acct.Name))
	return ExitOK
}

// browserFlags applies --no-browser (the address is only printed) and
// --timeout to a browser round trip.
func (a *app) browserFlags(pa *parsed, opts *oauth.SignInOptions) int {
	if pa.bools["no-browser"] {
		opts.OpenBrowser = func(string) error { return nil }
	}
	if v := pa.str("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return a.fail(status.New(status.Red, "cli.bad_duration", "value", v), ExitUsage)
		}
		opts.Timeout = d
	}
	return ExitOK
}
