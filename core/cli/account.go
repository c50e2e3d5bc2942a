package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"mailoauth/core/account"
	"mailoauth/core/oauth"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

func init() {
	commands["account add"] = command{needsSetup: true, run: (*app).accountAdd, flags: flagSpec{
		"login": true, "tenant": true, "client-id": true, "mailbox": true, "flow": true, "cloud": true,
		"redirect": true, "client-secret-stdin": false,
		"imap": true, "pop3": true, "smtp": true,
		"imap-security": true, "pop3-security": true, "smtp-security": true,
	}}
	commands["account list"] = command{needsSetup: true, run: (*app).accountList}
	commands["account show"] = command{needsSetup: true, run: (*app).accountShow}
	commands["account remove"] = command{needsSetup: true, run: (*app).accountRemove}
	commands["export"] = command{needsSetup: true, run: (*app).exportAccounts}
	commands["import"] = command{needsSetup: true, run: (*app).importAccounts}
}

// oneName takes the single NAME argument of a command.
func (a *app) oneName(pa *parsed, cmd string) (string, int) {
	if len(pa.pos) != 1 {
		return "", a.fail(status.New(status.Red, "cli.need_name", "command", cmd), ExitUsage)
	}
	return pa.pos[0], ExitOK
}

func (a *app) accountAdd(pa *parsed) int {
	name, code := a.oneName(pa, "account add")
	if code != ExitOK {
		return code
	}
	in := account.Input{
		Name: name, Login: pa.str("login"), Mailbox: pa.str("mailbox"), Tenant: pa.str("tenant"),
		ClientID: pa.str("client-id"), Flow: pa.str("flow"), Redirect: pa.str("redirect"),
		IMAP: pa.str("imap"), POP3: pa.str("pop3"), SMTP: pa.str("smtp"),
		IMAPSecurity: pa.str("imap-security"), POP3Security: pa.str("pop3-security"), SMTPSecurity: pa.str("smtp-security"),
		Cloud: pa.str("cloud"),
	}
	acct, problems := in.Build()
	if len(problems) > 0 {
		return a.failAll(problems, ExitUsage)
	}
	given := acct.Tenant
	// The lookup may wait on a slow network; Ctrl+C ends it cleanly.
	ctx, cancel := interruptible()
	d, p := oauth.ResolveTenant(ctx, a.http, acct)
	cancel()
	if p != nil && p.Level == status.Red {
		return a.fail(p, ExitUsage)
	} else if p != nil {
		a.printProblem(a.env.Stderr, p)
	} else if d != nil {
		fmt.Fprintln(a.env.Stderr, a.t("cli.account.tenant_resolved", "domain", given, "tenant", d.TenantID, "cloud", d.Cloud))
	}
	var clientSecret string
	if pa.bools["client-secret-stdin"] {
		line, err := bufio.NewReader(a.env.Stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return a.fail(status.New(status.Red, "cli.secret_stdin").Wrap(err), ExitUsage)
		}
		var sp *status.Problem
		if clientSecret, sp = account.ParseClientSecret(line); sp != nil {
			return a.fail(sp, ExitUsage)
		}
		if clientSecret == "" {
			return a.fail(status.New(status.Red, "cli.secret_stdin"), ExitUsage)
		}
		acct.HasClientSecret = true
	} else if acct.Flow == account.FlowApp {
		return a.fail(status.New(status.Red, "cli.app_needs_secret"), ExitUsage)
	}
	if p := a.store.Add(acct); p != nil {
		return a.fail(p, ExitFailure)
	}
	if clientSecret != "" {
		if err := a.secrets.Set(context.Background(), secret.ClientSecretKey(acct.Name), clientSecret); err != nil {
			// Without its secret the account is useless; take it back out so
			// nothing half-made is left behind.
			_ = a.store.Remove(acct.Name)
			return a.fail(problemOf(err), ExitFailure)
		}
	}
	a.log.Printf("account added: %s", acct.Name)
	if a.json {
		return a.printJSON(acct)
	}
	fmt.Fprintln(a.env.Stdout, a.t("cli.account.added", "name", acct.Name))
	if acct.Flow != account.FlowApp {
		fmt.Fprintln(a.env.Stdout, a.t("cli.account.next_authorize", "name", acct.Name))
	}
	return ExitOK
}

func (a *app) accountList(pa *parsed) int {
	list, p := a.store.List()
	if p != nil {
		a.printProblem(a.env.Stderr, p)
		if p.Level == status.Red {
			return ExitFailure
		}
	}
	if a.json {
		if list == nil {
			list = []account.Account{}
		}
		return a.printJSON(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(a.env.Stdout, a.t("cli.account.none"))
		return ExitOK
	}
	tw := tabwriter.NewWriter(a.env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.t("cli.col.name"), a.t("cli.col.login"), a.t("cli.col.tenant"), a.t("cli.col.protocols"))
	for _, acct := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", acct.Name, acct.Login, acct.Tenant, protocolList(&acct))
	}
	tw.Flush()
	return ExitOK
}

func protocolList(acct *account.Account) string {
	var on []string
	for _, p := range acct.EnabledProtocols() {
		on = append(on, strings.ToUpper(string(p)))
	}
	if len(on) == 0 {
		return "-"
	}
	return strings.Join(on, ",")
}

func (a *app) getAccount(name string) (*account.Account, int) {
	acct, p := a.store.Get(name)
	if p != nil {
		return nil, a.fail(p, ExitUsage)
	}
	return acct, ExitOK
}

// namedAccount takes the single NAME argument and loads that account.
func (a *app) namedAccount(pa *parsed, cmd string) (*account.Account, int) {
	name, code := a.oneName(pa, cmd)
	if code != ExitOK {
		return nil, code
	}
	return a.getAccount(name)
}

func (a *app) accountShow(pa *parsed) int {
	acct, code := a.namedAccount(pa, "account show")
	if code != ExitOK {
		return code
	}
	if a.json {
		return a.printJSON(acct)
	}
	w := tabwriter.NewWriter(a.env.Stdout, 2, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(w, "%s:\t%s\n", a.t(k), v) }
	row("cli.col.name", acct.Name)
	row("cli.col.login", acct.Login)
	row("cli.col.mailbox", acct.MailboxAddress())
	row("cli.col.authority", acct.Authority)
	row("cli.col.tenant", acct.Tenant)
	row("cli.col.client_id", acct.ClientID)
	row("cli.col.flow", string(acct.Flow))
	row("cli.col.redirect", string(acct.Redirect))
	for _, p := range account.Protocols {
		s := acct.Server(p)
		v := a.t("cli.off")
		if s.Enabled {
			v = s.HostPort() + " " + strings.ToUpper(string(s.Security))
		}
		fmt.Fprintf(w, "%s:\t%s\n", strings.ToUpper(string(p)), v)
	}
	has := a.t("cli.no")
	if _, err := a.secrets.Get(context.Background(), secret.RefreshTokenKey(acct.Name)); err == nil {
		has = a.t("cli.yes")
	}
	row("cli.col.authorized", has)
	w.Flush()
	return ExitOK
}

func (a *app) accountRemove(pa *parsed) int {
	name, code := a.oneName(pa, "account remove")
	if code != ExitOK {
		return code
	}
	if _, code := a.getAccount(name); code != ExitOK {
		return code
	}
	// Secrets first: an account entry without secrets is harmless, secrets
	// without an account would be forgotten in the keyring for ever.
	if err := secret.DeleteAccount(context.Background(), a.secrets, name); err != nil {
		return a.fail(problemOf(err), ExitFailure)
	}
	a.tokens.Forget(name)
	if p := a.store.Remove(name); p != nil {
		return a.fail(p, ExitFailure)
	}
	a.log.Printf("account removed: %s", name)
	fmt.Fprintln(a.env.Stdout, a.t("cli.account.removed", "name", name))
	return ExitOK
}

func (a *app) exportAccounts(pa *parsed) int {
	file, code := a.oneName(pa, "export")
	if code != ExitOK {
		return code
	}
	if p := a.store.Export(file); p != nil {
		return a.fail(p, ExitFailure)
	}
	fmt.Fprintln(a.env.Stdout, a.t("cli.exported", "file", file))
	return ExitOK
}

func (a *app) importAccounts(pa *parsed) int {
	file, code := a.oneName(pa, "import")
	if code != ExitOK {
		return code
	}
	added, problems := a.store.Import(file)
	for _, n := range added {
		fmt.Fprintln(a.env.Stdout, a.t("cli.imported", "name", n))
	}
	if len(problems) > 0 {
		return a.failAll(problems, ExitFailure)
	}
	return ExitOK
}

func (a *app) printJSON(v any) int {
	enc := json.NewEncoder(a.env.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return ExitFailure
	}
	return ExitOK
}

// problemOf turns any error into a problem for printing.
func problemOf(err error) *status.Problem {
	if p, ok := status.AsProblem(err); ok {
		return p
	}
	return status.New(status.Red, "cli.internal").WithDetail(err.Error()).Wrap(err)
}
