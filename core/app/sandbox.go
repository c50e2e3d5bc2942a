package app

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

// SandboxOptions start the sandbox headless (`mailoauth sandbox`).
type SandboxOptions struct {
	// AutoConsent skips the consent page (scripted tests).
	AutoConsent bool
	// RefreshTokenBytes makes refresh tokens this long (0: Microsoft-like).
	RefreshTokenBytes int
	// CAFile receives the sandbox CA, so other processes can trust it
	// through SSL_CERT_FILE ("" = a temporary file).
	CAFile string
	// ServerCertDir, when set, receives server.pem/server.key for
	// localhost/127.0.0.x signed by the sandbox CA, so real mail servers
	// under test serve TLS our program trusts through the same CA file.
	ServerCertDir string
}

// SandboxInfo is what a running sandbox offers, for scripts and tests.
type SandboxInfo struct {
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
	// Graph is the Microsoft Graph stand-in (the authority's own host, as
	// register expects for a login host that is none of Microsoft's);
	// Admin holds Application Administrator there, every other user none.
	Graph string `json:"graph"`
	Admin string `json:"admin"`
}

// MaxRefreshTokenBytes bounds --refresh-token-bytes.
const MaxRefreshTokenBytes = 1 << 20

// StartSandbox runs the sandbox until stop is called.
func StartSandbox(o SandboxOptions) (info *SandboxInfo, stop func(), p *status.Problem) {
	if o.RefreshTokenBytes != 0 && (o.RefreshTokenBytes < 16 || o.RefreshTokenBytes > MaxRefreshTokenBytes) {
		return nil, nil, status.New(status.Red, "cli.sandbox.refresh_token_bytes", "value", strconv.Itoa(o.RefreshTokenBytes), "max", strconv.Itoa(MaxRefreshTokenBytes))
	}
	fail := func(err error) *status.Problem {
		return status.New(status.Red, "cli.sandbox.start").WithDetail(err.Error()).Wrap(err)
	}
	sb, err := sandbox.Start(sandbox.Options{AutoConsent: o.AutoConsent, RefreshTokenBytes: o.RefreshTokenBytes})
	if err != nil {
		return nil, nil, fail(err)
	}
	cleanups := []func(){func() { sb.Close() }}
	stop = func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	caFile := o.CAFile
	if caFile == "" {
		dir, err := os.MkdirTemp("", "mailoauth-sandbox-")
		if err != nil {
			stop()
			return nil, nil, fail(err)
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		caFile = filepath.Join(dir, "ca.pem")
	}
	if err := os.WriteFile(caFile, sb.CA.PEM(), 0o644); err != nil {
		stop()
		return nil, nil, fail(err)
	}
	if d := o.ServerCertDir; d != "" {
		cert, key, err := sb.CA.LeafPEM("localhost", "127.0.0.1", "127.0.0.2", "::1")
		if err == nil {
			err = os.WriteFile(filepath.Join(d, "server.pem"), cert, 0o644)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(d, "server.key"), key, 0o600)
		}
		if err != nil {
			stop()
			return nil, nil, fail(err)
		}
	}
	info = &SandboxInfo{
		Authority: sb.Identity.Authority(), TenantID: sb.Identity.TenantID(), Domain: sb.Identity.Domains()[0],
		PublicClientID: identity.PublicClientID, ConfidentialClient: identity.ConfidentialClientID,
		IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr(),
		Graph: sb.Identity.Authority() + "/v1.0", Admin: "admin@" + sb.Identity.Domains()[0],
		CAFile: caFile, Control: sb.ControlURL(), Introspection: sb.Identity.IntrospectionURL(), CAKeyDir: o.ServerCertDir,
	}
	return info, stop, nil
}

// StartDemo runs the sandbox in-process with a temporary config folder, a
// memory keyring and four accounts: one all green, one not yet authorized
// (yellow), one whose login has no rights on its mailbox (red), and one
// authorized with an app registration the sandbox's administrator made
// through its Microsoft Graph at start (admin → app → mailbox). Close the
// service to stop it all.
func StartDemo(o Options) (*Service, *status.Problem) {
	fail := func(err error) *status.Problem {
		return status.New(status.Red, "cli.sandbox.start").WithDetail(err.Error()).Wrap(err)
	}
	// The consent page stays on, so the user's own browser shows it when
	// they click Authorize (it will warn about the sandbox's private CA).
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		return nil, fail(err)
	}
	dir, err := os.MkdirTemp("", "mailoauth-demo-")
	if err != nil {
		sb.Close()
		return nil, fail(err)
	}
	hc := sb.Identity.HTTPClient()
	o.ConfigDir, o.Secrets, o.RootCAs, o.HTTPClient = filepath.Join(dir, "config"), &secret.Memory{}, sb.CA.Pool(), hc
	// The demo accounts are signed in at start by a stand-in browser that
	// accepts the consent page inside the process; afterwards Authorize
	// uses the system browser (o.OpenBrowser).
	browser := o.OpenBrowser
	o.OpenBrowser = ConsentingBrowser(hc)
	s, p := Open(o)
	if p != nil {
		sb.Close()
		os.RemoveAll(dir)
		return nil, p
	}
	s.closers = append(s.closers, func() { sb.Close(); os.RemoveAll(dir) })
	s.auto = &memoryAutostart{}
	tenant := sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/"
	d := sb.Identity.Domains()[0]
	s.suggest = Input{Tenant: tenant, ClientID: identity.PublicClientID, Login: "dora@" + d,
		IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr()}
	for _, x := range []struct{ name, login, mailbox string }{
		{"demo-gruen", "anna@" + d, ""}, {"demo-gelb", "bernd@" + d, ""}, {"demo-rot", "carla@" + d, "info@" + d},
	} {
		in := Input{Name: x.name, Login: x.login, Mailbox: x.mailbox, Tenant: tenant, ClientID: identity.PublicClientID,
			IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr(), SMTPSecurity: "starttls"}
		if _, probs := s.Add(context.Background(), in, ""); len(probs) > 0 {
			s.Close()
			return nil, probs[0]
		}
		if x.name != "demo-gelb" {
			if _, p := s.Authorize(context.Background(), x.name, AuthorizeOptions{}); p != nil {
				s.Close()
				return nil, p
			}
		}
	}
	// The whole path without a tenant: the sandbox's administrator signs
	// in to its Microsoft Graph, a new app registration is made, and a
	// fourth account is authorized with that app.
	s.admin = "admin@" + d
	_, probs := s.Register(context.Background(), RegisterRequest{AdminOptions: AdminOptions{Admin: s.admin}, Tenant: tenant,
		Name: "mailoauth-demo", Account: Input{Name: "demo-neue-app", Login: "erik@" + d,
			IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr(), SMTPSecurity: "starttls"}})
	if len(probs) > 0 {
		s.Close()
		return nil, probs[0]
	}
	if _, p := s.Authorize(context.Background(), "demo-neue-app", AuthorizeOptions{}); p != nil {
		s.Close()
		return nil, p
	}
	s.browser = browser
	return s, nil
}

// ConsentingBrowser follows a sign-in like a user who clicks Accept: the
// demo signs its accounts in with it, tests their sign-ins.
func ConsentingBrowser(hc *http.Client) func(string) error {
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return func(u string) error {
		// A sign-in URL carries its request in the query; the consent
		// form goes to the same path's /consent.
		signIn, err := url.Parse(u)
		if err != nil || signIn.RawQuery == "" {
			return errors.New("not a sign-in URL: it has no query")
		}
		resp, err := c.Get(u)
		if err != nil {
			return err
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			id := between(string(page), `name="request" value="`, `"`)
			user := between(string(page), `name="user" value="`, `"`)
			consent := *signIn
			consent.RawQuery, consent.Fragment = "", ""
			consent.Path = strings.Replace(consent.Path, "/authorize", "/consent", 1)
			consent.RawPath = ""
			resp, err = c.PostForm(consent.String(), url.Values{"request": {id}, "user": {html.UnescapeString(user)}, "answer": {"accept"}})
			if err != nil {
				return err
			}
			resp.Body.Close()
		}
		if loc := resp.Header.Get("Location"); loc != "" {
			r, err := http.Get(loc)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
		return nil
	}
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	if j := strings.Index(s, b); j >= 0 {
		return s[:j]
	}
	return ""
}
