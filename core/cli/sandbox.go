package cli

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"mailoauth/core/app"
)

func init() {
	commands["sandbox"] = command{run: (*runner).sandbox, flags: flagSpec{"ca-file": true, "auto-consent": false, "refresh-token-bytes": true, "server-cert": true}}
}

// sandbox runs the sandbox headless until interrupted. Its CA is written to a
// file so that other processes can trust it through SSL_CERT_FILE.
func (a *runner) sandbox(pa *parsed) int {
	n, p := app.ParseRefreshTokenBytes(pa.str("refresh-token-bytes"))
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	info, stop, p := app.StartSandbox(app.SandboxOptions{AutoConsent: pa.bools["auto-consent"], RefreshTokenBytes: n,
		CAFile: pa.str("ca-file"), ServerCertDir: pa.str("server-cert")})
	if p != nil {
		return a.fail(p, ExitFailure)
	}
	defer stop()
	if a.json {
		a.printJSON(info)
	} else {
		fmt.Fprintln(a.env.Stdout, a.t("cli.sandbox.running"))
		for _, kv := range [][2]string{
			{"authority", info.Authority}, {"tenant", info.TenantID}, {"domain", info.Domain},
			{"client-id", info.PublicClientID}, {"imap", info.IMAP + " (TLS)"}, {"pop3", info.POP3 + " (TLS)"},
			{"smtp", info.SMTP + " (STARTTLS)"}, {"ca", info.CAFile},
		} {
			fmt.Fprintf(a.env.Stdout, "  %-10s %s\n", kv[0], kv[1])
		}
		fmt.Fprintln(a.env.Stdout, a.t("cli.sandbox.example", "authority", info.Authority, "tenant", info.TenantID,
			"client", info.PublicClientID, "domain", info.Domain, "imap", info.IMAP, "pop3", info.POP3, "smtp", info.SMTP, "ca", info.CAFile))
	}
	if f, ok := a.env.Stdout.(*os.File); ok {
		_ = f.Sync()
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return ExitOK
}
