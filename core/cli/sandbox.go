package cli

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

func init() {
	commands["sandbox"] = command{run: (*app).sandbox, flags: flagSpec{"ca-file": true, "auto-consent": false, "refresh-token-bytes": true, "server-cert": true}}
}

// sandboxInfo is what `mailoauth sandbox --json` prints, for scripts and tests.
type sandboxInfo struct {
	Authority          string `json:"authority"`
	TenantID           string `json:"tenant_id"`
	Domain             string `json:"domain"`
	PublicClientID     string `json:"public_client_id"`
	ConfidentialClient string `json:"confidential_client_id"`
	IMAP               string `json:"imap"`
	POP3               string `json:"pop3"`
	SMTP               string `json:"smtp"`
	CAFile             string `json:"ca_file"`
	Introspection      string `json:"introspection"`
	CAKeyDir           string `json:"cert_dir,omitempty"`
	Control            string `json:"control"`
}

// sandbox runs the sandbox headless until interrupted. Its CA is written to a
// file so that other processes can trust it through SSL_CERT_FILE.
func (a *app) sandbox(pa *parsed) int {
	opts := sandbox.Options{AutoConsent: pa.bools["auto-consent"]}
	if v := pa.str("refresh-token-bytes"); v != "" {
		var n int
		if _, err := fmt.Sscan(v, &n); err != nil || n < 16 || n > 1<<20 {
			return a.fail(status.New(status.Red, "cli.bad_parallel", "value", v), ExitUsage)
		}
		opts.RefreshTokenBytes = n
	}
	sb, err := sandbox.Start(opts)
	if err != nil {
		return a.fail(status.New(status.Red, "cli.sandbox.start").WithDetail(err.Error()), ExitFailure)
	}
	defer sb.Close()
	caFile := pa.str("ca-file")
	if caFile == "" {
		dir, err := os.MkdirTemp("", "mailoauth-sandbox-")
		if err != nil {
			return a.fail(status.New(status.Red, "cli.sandbox.start").WithDetail(err.Error()), ExitFailure)
		}
		defer os.RemoveAll(dir)
		caFile = filepath.Join(dir, "ca.pem")
	}
	if err := os.WriteFile(caFile, sb.CA.PEM(), 0o644); err != nil {
		return a.fail(status.New(status.Red, "cli.sandbox.start").WithDetail(err.Error()), ExitFailure)
	}
	// --server-cert DIR writes a certificate for localhost/127.0.0.x signed
	// by the sandbox CA, so real mail servers under test can serve TLS that
	// our program trusts through the same CA file.
	certDir := pa.str("server-cert")
	if certDir != "" {
		cert, key, err := sb.CA.LeafPEM("localhost", "127.0.0.1", "127.0.0.2", "::1")
		if err == nil {
			err = os.WriteFile(filepath.Join(certDir, "server.pem"), cert, 0o644)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(certDir, "server.key"), key, 0o600)
		}
		if err != nil {
			return a.fail(status.New(status.Red, "cli.sandbox.start").WithDetail(err.Error()), ExitFailure)
		}
	}
	info := sandboxInfo{
		Authority: sb.Identity.Authority(), TenantID: sb.Identity.TenantID(), Domain: sb.Identity.Domains()[0],
		PublicClientID: identity.PublicClientID, ConfidentialClient: identity.ConfidentialClientID,
		IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr(),
		CAFile: caFile, Control: sb.ControlURL(), Introspection: sb.Identity.IntrospectionURL(), CAKeyDir: certDir,
	}
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
