package account

import (
	"strings"

	"mailoauth/core/status"
)

// Input is an account as typed: raw strings from the CLI or the wizard.
type Input struct {
	Name, Login, Mailbox, Tenant, ClientID, Flow, Redirect string
	IMAP, POP3, SMTP                                       string // "", "off", "HOST" or "HOST:PORT"
	IMAPSecurity, POP3Security, SMTPSecurity               string // "", "tls" or "starttls"
	Cloud                                                  string // "", or a Clouds ID: login host and server defaults
}

// Build normalises and validates every field and returns all problems at
// once, so a form can mark each field and the CLI can list them together.
func (in Input) Build() (*Account, []*status.Problem) {
	var probs []*status.Problem
	add := func(p *status.Problem) {
		if p != nil {
			probs = append(probs, p)
		}
	}
	a := &Account{}
	var p *status.Problem
	a.Name, p = ParseName(in.Name)
	add(p)
	a.Login, p = ParseAddress("login", in.Login)
	add(p)
	if strings.TrimSpace(in.Mailbox) != "" {
		a.Mailbox, p = ParseAddress("mailbox", in.Mailbox)
		add(p)
		if p == nil && strings.EqualFold(a.Mailbox, a.Login) {
			a.Mailbox = ""
		}
	}
	tenant := in.Tenant
	if strings.TrimSpace(tenant) == "" && a.Login != "" {
		// No tenant given: the login's domain names it; discovery
		// (oauth.ResolveTenant) then turns it into the tenant's GUID.
		tenant = a.Login[strings.LastIndexByte(a.Login, '@')+1:]
	}
	a.Authority, a.Tenant, p = ParseTenant(tenant)
	add(p)
	cloud, p := ParseCloud(in.Cloud)
	add(p)
	if cloud != nil && p == nil && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(tenant)), "https://") {
		// A bare tenant signs in where its cloud does; a login URL says
		// where by itself.
		a.Authority = "https://" + cloud.LoginHost
	}
	if cloud == nil {
		c := CloudOf(a.Authority)
		cloud = &c
	}
	a.ClientID, p = ParseClientID(in.ClientID)
	add(p)
	a.Flow, p = ParseFlow(in.Flow)
	add(p)
	a.Redirect, p = ParseRedirect(in.Redirect)
	add(p)
	for _, pr := range []struct {
		proto     Protocol
		hostPort  string
		security  string
		secureKey string
	}{{IMAP, in.IMAP, in.IMAPSecurity, "imap_security"}, {POP3, in.POP3, in.POP3Security, "pop3_security"}, {SMTP, in.SMTP, in.SMTPSecurity, "smtp_security"}} {
		srv := cloud.Server(pr.proto)
		if strings.TrimSpace(pr.hostPort) != "" {
			srv, p = ParseHostPort(pr.proto, pr.hostPort)
			if p != nil {
				add(p)
				continue
			}
		}
		if strings.TrimSpace(pr.security) != "" && srv.Enabled {
			sec, p := ParseSecurity(pr.secureKey, pr.security)
			if p != nil {
				add(p)
				continue
			}
			srv.Security = sec
		}
		a.SetServer(pr.proto, srv)
	}
	if len(probs) == 0 && !a.IMAP.Enabled && !a.POP3.Enabled && !a.SMTP.Enabled {
		add(status.New(status.Red, "account.protocols.none", "field", "protocols"))
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return a, nil
}

// Validate re-checks an account read from disk or an import file, so a hand
// edit cannot smuggle in what the input checks would refuse.
func (a *Account) Validate() []*status.Problem {
	in := Input{Name: a.Name, Login: a.Login, Mailbox: a.Mailbox, ClientID: a.ClientID,
		Flow: string(a.Flow), Redirect: string(a.Redirect)}
	in.Tenant = a.Authority + "/" + a.Tenant + "/"
	if a.Authority == "" {
		in.Tenant = a.Tenant
	}
	for _, p := range Protocols {
		s := a.Server(p)
		v := "off"
		if s.Enabled {
			v = s.HostPort()
		}
		switch p {
		case IMAP:
			in.IMAP, in.IMAPSecurity = v, string(s.Security)
		case POP3:
			in.POP3, in.POP3Security = v, string(s.Security)
		case SMTP:
			in.SMTP, in.SMTPSecurity = v, string(s.Security)
		}
	}
	_, probs := in.Build()
	return probs
}
