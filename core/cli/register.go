package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

func init() {
	admin := flagSpec{"tenant": true, "admin": true, "device": false, "admin-client-id": true, "graph-url": true,
		"cloud": true, "no-browser": false, "timeout": true}
	reg := flagSpec{"name": true, "flow": true, "redirect": true, "imap": true, "pop3": true, "smtp": true,
		"imap-security": true, "pop3-security": true, "smtp-security": true,
		"client-id": true, "account": true, "login": true, "mailbox": true, "yes": false}
	for k, v := range admin {
		reg[k] = v
	}
	commands["register"] = command{needsSetup: true, run: (*runner).register, flags: reg}
	check := flagSpec{"client-id": true, "flow": true, "repair": false}
	for k, v := range admin {
		check[k] = v
	}
	commands["app check"] = command{needsSetup: true, run: (*runner).appCheck, flags: check}
	nested["app"] = true
}

// adminFlags reads the administrator's sign-in flags, with progress on
// stderr (stdout keeps the result).
func (a *runner) adminFlags(pa *parsed) (app.AdminOptions, int) {
	bo, code := a.browserFlags(pa, "cli.register.open_url")
	if code != ExitOK {
		return app.AdminOptions{}, code
	}
	return app.AdminOptions{
		BrowserOptions: bo, Admin: pa.str("admin"), AdminClientID: pa.str("admin-client-id"), GraphURL: pa.str("graph-url"),
		Cloud: pa.str("cloud"), Device: pa.bools["device"],
		OnDeviceCode: func(d app.DeviceCode) {
			fmt.Fprintln(a.env.Stderr, a.t("cli.authorize.device", "url", d.URL, "code", d.Code, "time", d.Expires.Local().Format("15:04:05")))
		},
		Progress: func(p app.RegisterProgress) {
			if p.Waiting && p.Step != "appreg.step.throttled" {
				fmt.Fprintln(a.env.Stderr, "  "+a.t("appreg.step.waiting", "elapsed", p.Elapsed.Round(time.Second).String()))
				return
			}
			fmt.Fprintln(a.env.Stderr, i18n.T(a.lang, p.Step, i18n.Args(p.Args)))
		},
	}, ExitOK
}

func (a *runner) register(pa *parsed) int {
	if len(pa.pos) != 0 {
		return a.fail(status.New(status.Red, "cli.register.no_args"), ExitUsage)
	}
	ao, code := a.adminFlags(pa)
	if code != ExitOK {
		return code
	}
	req := app.RegisterRequest{AdminOptions: ao, Name: pa.str("name"), Tenant: pa.str("tenant"), Flow: pa.str("flow"),
		Redirect: pa.str("redirect"), ClientID: pa.str("client-id"),
		Account: app.Input{Name: pa.str("account"), Login: pa.str("login"), Mailbox: pa.str("mailbox"),
			IMAPSecurity: pa.str("imap-security"), POP3Security: pa.str("pop3-security"), SMTPSecurity: pa.str("smtp-security")}}
	for _, x := range []struct {
		proto app.Protocol
		into  *string
	}{{app.IMAP, &req.Account.IMAP}, {app.POP3, &req.Account.POP3}, {app.SMTP, &req.Account.SMTP}} {
		v := pa.str(string(x.proto))
		if strings.EqualFold(v, "off") {
			req.Off = append(req.Off, x.proto)
		} else {
			*x.into = v
		}
	}
	ctx, cancel := a.interruptible()
	defer cancel()
	if !pa.bools["yes"] {
		req.ConfirmReuse = func(name, clientID string) bool {
			return a.confirm(ctx, "cli.register.reuse", "name", name, "client", clientID)
		}
	}
	res, probs := a.svc.Register(ctx, req)
	if res == nil {
		return a.failAll(probs, ExitFailure)
	}
	if a.json {
		out := map[string]any{"name": res.Name, "tenant_id": res.TenantID, "client_id": res.ClientID,
			"service_principal_id": res.ServicePrincipalID, "created": res.Created, "restored": res.Restored,
			"repaired": nonNilList(res.Repaired)}
		if !res.SecretExpires.IsZero() {
			out["client_secret_expires"] = res.SecretExpires.UTC().Format(time.RFC3339)
		}
		if res.Account != nil {
			out["account"] = res.Account.Name
		}
		if res.SecretAdded {
			out["client_secret_added"] = true
		}
		if res.SecretFrom != "" {
			out["client_secret_from"] = res.SecretFrom
		}
		if res.ExchangeScript != "" {
			out["exchange_powershell"] = res.ExchangeScript
		}
		a.printJSON(out)
	} else {
		key := "cli.register.found"
		if res.Created {
			key = "cli.register.created"
		}
		fmt.Fprintln(a.env.Stdout, a.t(key, "name", res.Name))
		for _, f := range res.Repaired {
			fmt.Fprintln(a.env.Stdout, "  "+a.t("cli.register.repaired", "fault", a.t("appreg.fault."+f)))
		}
		fmt.Fprintf(a.env.Stdout, "  %s: %s\n  %s: %s\n  %s: %s\n", a.t("cli.col.tenant"), res.TenantID,
			a.t("cli.register.client_id"), res.ClientID, a.t("cli.register.sp_id"), res.ServicePrincipalID)
		if res.Account != nil {
			fmt.Fprintln(a.env.Stdout, a.t("cli.register.account", "name", res.Account.Name))
			// Say whether Entra got a new secret: a second mailbox of the
			// app takes the one another account keeps.
			switch {
			case res.SecretFrom != "":
				fmt.Fprintln(a.env.Stdout, a.t("cli.register.secret_reused", "name", res.SecretFrom))
			case res.SecretAdded:
				fmt.Fprintln(a.env.Stdout, a.t("cli.register.secret_added", "date", res.SecretExpires.Local().Format("2006-01-02")))
			}
		}
		switch {
		case res.ExchangeScript != "":
			fmt.Fprintln(a.env.Stdout, a.t("cli.register.exchange_script"))
			fmt.Fprintln(a.env.Stdout, res.ExchangeScript)
		case res.Account != nil:
			fmt.Fprintln(a.env.Stdout, a.t("cli.account.next_authorize", "name", res.Account.Name))
		default:
			fmt.Fprintln(a.env.Stdout, a.t("cli.register.next_account", "tenant", res.TenantID, "client", res.ClientID))
		}
	}
	if len(probs) > 0 {
		// The registration stands; only the account could not be saved.
		return a.failAll(probs, ExitFailure)
	}
	return ExitOK
}

func nonNilList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// confirm asks a yes/no question on stderr; an empty answer (or no
// terminal) is yes.
func (a *runner) confirm(ctx context.Context, key string, args ...string) bool {
	fmt.Fprint(a.env.Stderr, a.t(key, args...)+" ")
	line, _ := readLine(ctx, a.env.Stdin)
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "n", "no", "nein":
		return false
	}
	return true
}

func (a *runner) appCheck(pa *parsed) int {
	req := app.AppCheckRequest{ClientID: pa.str("client-id"), Tenant: pa.str("tenant"), Flow: pa.str("flow"), Repair: pa.bools["repair"]}
	switch {
	case len(pa.pos) == 1 && req.ClientID == "":
		req.Account = pa.pos[0]
	case len(pa.pos) == 0 && req.ClientID != "" && req.Tenant != "":
	default:
		return a.fail(status.New(status.Red, "cli.app_check.usage"), ExitUsage)
	}
	ao, code := a.adminFlags(pa)
	if code != ExitOK {
		return code
	}
	req.AdminOptions = ao
	ctx, cancel := a.interruptible()
	defer cancel()
	res, p := a.svc.CheckApp(ctx, req)
	if res == nil {
		return a.fail(p, ExitFailure)
	}
	if a.json {
		type item struct {
			Fault      string `json:"fault"`
			Status     string `json:"status"`
			Problem    string `json:"problem"`
			Message    string `json:"message"`
			Fix        string `json:"fix"`
			Repairable bool   `json:"repairable"`
		}
		conv := func(fs []app.AppFinding) []item {
			out := []item{}
			for _, f := range fs {
				out = append(out, item{f.Fault, string(f.Problem.Level), f.Problem.Code, f.Problem.Message(a.lang), f.Problem.Fix(a.lang), f.Repairable})
			}
			return out
		}
		doc := map[string]any{"name": res.Name, "client_id": res.ClientID, "tenant_id": res.TenantID, "status": string(res.Level),
			"findings": conv(res.Findings)}
		if req.Repair {
			doc["repaired"], doc["remaining"] = nonNilList(res.Repaired), conv(res.Remaining)
		}
		a.printJSON(doc)
	} else {
		if res.Name == "" {
			// Nothing in the tenant names it (a client ID found nowhere here).
			fmt.Fprintln(a.env.Stdout, a.t("cli.app_check.title_id", "client", res.ClientID))
		} else {
			fmt.Fprintln(a.env.Stdout, a.t("cli.app_check.title", "name", res.Name, "client", res.ClientID))
		}
		if len(res.Findings) == 0 {
			fmt.Fprintln(a.env.Stdout, "  "+a.t("cli.app_check.ok"))
		}
		for _, f := range res.Findings {
			fmt.Fprintf(a.env.Stdout, "  [%s] %s\n", a.lightWord(f.Problem.Level), f.Problem.Message(a.lang))
			fmt.Fprintf(a.env.Stdout, "      %s: %s\n", a.t("common.fix_prefix"), f.Problem.Fix(a.lang))
		}
		switch {
		case p != nil:
			// The repair stopped: its problem follows, not a "Now:" that
			// would read as all in place.
		case req.Repair && len(res.Findings) > 0:
			fmt.Fprintln(a.env.Stdout, a.t("cli.app_check.repaired", "count", fmt.Sprint(len(res.Repaired))))
			if len(res.Remaining) == 0 {
				fmt.Fprintln(a.env.Stdout, "  "+a.t("cli.app_check.ok"))
			}
			for _, f := range res.Remaining {
				fmt.Fprintf(a.env.Stdout, "  [%s] %s\n", a.lightWord(f.Problem.Level), f.Problem.Message(a.lang))
			}
		case len(res.Findings) > 0:
			fmt.Fprintln(a.env.Stdout, a.t("cli.app_check.hint_repair"))
		}
	}
	if p != nil {
		return a.fail(p, ExitFailure)
	}
	return map[status.Level]int{status.Red: ExitFailure, status.Yellow: ExitYellow}[res.Level]
}

// lightWord is the light's word (red, yellow) without the padding the check
// table needs.
func (a *runner) lightWord(l status.Level) string {
	return strings.TrimSpace(a.t("cli.check.level_word." + string(l)))
}
