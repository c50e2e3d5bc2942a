package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"mailoauth/core/app"
	"mailoauth/core/status"
)

func init() {
	commands["account add"] = command{needsSetup: true, run: (*runner).accountAdd, flags: flagSpec{
		"login": true, "tenant": true, "client-id": true, "mailbox": true, "flow": true, "cloud": true,
		"redirect": true, "client-secret-stdin": false,
		"imap": true, "pop3": true, "smtp": true,
		"imap-security": true, "pop3-security": true, "smtp-security": true,
	}}
	commands["account list"] = command{needsSetup: true, run: (*runner).accountList}
	commands["account show"] = command{needsSetup: true, run: (*runner).accountShow}
	commands["account remove"] = command{needsSetup: true, run: (*runner).accountRemove}
	commands["export"] = command{needsSetup: true, run: (*runner).exportAccounts}
	commands["import"] = command{needsSetup: true, run: (*runner).importAccounts}
}

// oneName takes the single NAME argument of a command.
func (a *runner) oneName(pa *parsed, cmd string) (string, int) {
	if len(pa.pos) != 1 {
		return "", a.fail(status.New(status.Red, "cli.need_name", "command", cmd), ExitUsage)
	}
	return pa.pos[0], ExitOK
}

func (a *runner) accountAdd(pa *parsed) int {
	name, code := a.oneName(pa, "account add")
	if code != ExitOK {
		return code
	}
	in := app.Input{
		Name: name, Login: pa.str("login"), Tenant: pa.str("tenant"),
		ClientID: pa.str("client-id"), Flow: pa.str("flow"), Redirect: pa.str("redirect"),
		IMAP: pa.str("imap"), POP3: pa.str("pop3"), SMTP: pa.str("smtp"),
		IMAPSecurity: pa.str("imap-security"), POP3Security: pa.str("pop3-security"), SMTPSecurity: pa.str("smtp-security"),
		Cloud: pa.str("cloud"),
	}
	var clientSecret string
	if pa.bools["client-secret-stdin"] {
		line, err := a.readSecret()
		if err != nil && err != io.EOF {
			return a.fail(status.New(status.Red, "cli.secret_stdin").Wrap(err), ExitUsage)
		}
		var sp *status.Problem
		if clientSecret, sp = app.ParseClientSecret(line); sp != nil {
			return a.fail(sp, ExitUsage)
		}
		if clientSecret == "" {
			return a.fail(status.New(status.Red, "cli.secret_stdin"), ExitUsage)
		}
	}
	// Several --mailbox (or one with a list) for one login: one account per
	// mailbox, sharing one sign-in; one (or none) is one account.
	var mailboxes []string
	for _, v := range pa.all["mailbox"] {
		mailboxes = append(mailboxes, app.SplitMailboxes(v)...)
	}
	// The tenant lookup may wait on a slow network; Ctrl+C ends it cleanly.
	ctx, cancel := a.interruptible()
	saved, problems := a.svc.AddMailboxes(ctx, in, mailboxes, clientSecret)
	cancel()
	if len(problems) > 0 {
		code := ExitUsage
		if isStoreFault(problems[0]) {
			code = ExitFailure
		}
		return a.failAll(problems, code)
	}
	first := saved[0]
	if first.Note != nil {
		a.printNote(a.env.Stderr, first.Note)
	} else if first.TenantGiven != "" {
		fmt.Fprintln(a.env.Stderr, a.t("cli.account.tenant_resolved", "domain", first.TenantGiven, "tenant", first.Account.Tenant, "cloud", first.Cloud))
	}
	if a.json {
		if len(saved) == 1 {
			// One account is an object, several a list: scripts read both.
			return a.printJSON(first.Account)
		}
		list := make([]*app.Account, len(saved))
		for i, sv := range saved {
			list[i] = sv.Account
		}
		return a.printJSON(list)
	}
	for _, sv := range saved {
		fmt.Fprintln(a.env.Stdout, a.t("cli.account.added", "name", sv.Account.Name))
	}
	if first.Account.Flow != app.FlowApp {
		fmt.Fprintln(a.env.Stdout, a.t("cli.account.next_authorize", "name", first.Account.Name))
	}
	return ExitOK
}

// readSecret reads the client secret's line from stdin. Typed on a terminal,
// it says what it waits for (a silent cursor looks like a hang) and does not
// echo: a secret on the screen stays in the scrollback and in view of
// whoever watches the helpdesk's screen.
func (a *runner) readSecret() (string, error) {
	if f, ok := a.env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.env.Stderr, a.t("cli.secret_prompt"))
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.env.Stderr)
		return string(b), err
	}
	return bufio.NewReader(a.env.Stdin).ReadString('\n')
}

// isStoreFault tells a failure to save (exit 2) from input that cannot be
// used (exit 3).
func isStoreFault(p *status.Problem) bool {
	if p.Code == "account.store.exists" {
		// A name already taken is input to change, not a failure to save.
		return false
	}
	return strings.HasPrefix(p.Code, "account.store.") || strings.HasPrefix(p.Code, "secret.")
}

func (a *runner) accountList(pa *parsed) int {
	list, p := a.svc.Accounts()
	if p != nil {
		a.printProblem(a.env.Stderr, p)
		if p.Level == status.Red {
			return ExitFailure
		}
	}
	if a.json {
		if list == nil {
			list = []app.Account{}
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

func protocolList(acct *app.Account) string {
	var on []string
	for _, p := range acct.EnabledProtocols() {
		on = append(on, strings.ToUpper(string(p)))
	}
	if len(on) == 0 {
		return "-"
	}
	return strings.Join(on, ",")
}

func (a *runner) getAccount(name string) (*app.Account, int) {
	acct, p := a.svc.Account(name)
	if p != nil {
		return nil, a.failNamed(p, ExitUsage)
	}
	return acct, ExitOK
}

// failNamed fails a command on a named account with code, or with exit 3
// when the problem is the account lookup's — no account of that name, or
// an account file this program cannot read: input to change, whichever
// command met it. The code says so, so commands need not load the store
// beforehand just to pick the exit code.
func (a *runner) failNamed(p *status.Problem, code int) int {
	switch p.Code {
	case "account.store.not_found", "account.store.read", "account.store.newer":
		code = ExitUsage
	}
	return a.fail(p, code)
}

// namedAccount takes the single NAME argument and loads that account.
func (a *runner) namedAccount(pa *parsed, cmd string) (*app.Account, int) {
	name, code := a.oneName(pa, cmd)
	if code != ExitOK {
		return nil, code
	}
	return a.getAccount(name)
}

func (a *runner) accountShow(pa *parsed) int {
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
	for _, p := range app.Protocols {
		s := acct.Server(p)
		v := a.t("cli.off")
		if s.Enabled {
			v = app.ServerText(s) + " " + strings.ToUpper(string(s.Security))
		}
		fmt.Fprintf(w, "%s:\t%s\n", strings.ToUpper(string(p)), v)
	}
	authorized, p := a.svc.IsAuthorized(context.Background(), acct.Name)
	has := a.t("cli.no")
	if authorized {
		has = a.t("cli.yes")
	} else if p != nil {
		// The keyring could not say: name why instead of a wrong "no".
		has = "? (" + p.Message(a.lang) + ")"
	}
	row("cli.col.authorized", has)
	w.Flush()
	if p != nil {
		a.printProblem(a.env.Stderr, p)
		return ExitFailure
	}
	return ExitOK
}

func (a *runner) accountRemove(pa *parsed) int {
	name, code := a.oneName(pa, "account remove")
	if code != ExitOK {
		return code
	}
	if p := a.svc.Remove(context.Background(), name); p != nil {
		return a.failNamed(p, ExitFailure)
	}
	fmt.Fprintln(a.env.Stdout, a.t("cli.account.removed", "name", name))
	return ExitOK
}

func (a *runner) exportAccounts(pa *parsed) int {
	file, code := a.oneName(pa, "export")
	if code != ExitOK {
		return code
	}
	if p := a.svc.Export(file); p != nil {
		return a.fail(p, ExitFailure)
	}
	fmt.Fprintln(a.env.Stdout, a.t("cli.exported", "file", file))
	return ExitOK
}

func (a *runner) importAccounts(pa *parsed) int {
	file, code := a.oneName(pa, "import")
	if code != ExitOK {
		return code
	}
	added, problems := a.svc.Import(file)
	for _, n := range added {
		fmt.Fprintln(a.env.Stdout, a.t("cli.imported", "name", n))
	}
	if len(problems) > 0 {
		return a.failAll(problems, ExitFailure)
	}
	return ExitOK
}

func (a *runner) printJSON(v any) int {
	enc := json.NewEncoder(a.env.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return ExitFailure
	}
	return ExitOK
}
