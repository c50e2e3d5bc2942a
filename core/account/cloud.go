package account

import (
	"net/url"
	"strings"

	"mailoauth/core/status"
)

// Cloud is one of Microsoft's clouds: where its users sign in and where its
// Exchange Online answers. Each needs its own app registration.
//
// Confirmed from Microsoft's documentation: the global values and the login
// hosts of US Government and 21Vianet. NOT confirmed (third-party tools and
// community reports only, see shared/reference section 3.7): the GCC High
// and DoD mail hosts, and 21Vianet's SMTP host. GCC (moderate) uses the
// global cloud.
type Cloud struct {
	ID        string // for --cloud
	LoginHost string
	MailHost  string // IMAP and POP3
	SMTPHost  string
}

// Clouds lists the clouds, global first.
var Clouds = []Cloud{
	{ID: "global", LoginHost: "login.microsoftonline.com", MailHost: "outlook.office365.com", SMTPHost: "smtp.office365.com"},
	{ID: "usgov", LoginHost: "login.microsoftonline.us", MailHost: "outlook.office365.us", SMTPHost: "smtp.office365.us"},                // hosts unconfirmed
	{ID: "usgov-dod", LoginHost: "login.microsoftonline.us", MailHost: "outlook-dod.office365.us", SMTPHost: "outlook-dod.office365.us"}, // hosts unconfirmed
	{ID: "china", LoginHost: "login.partner.microsoftonline.cn", MailHost: "partner.outlook.cn", SMTPHost: "smtp.partner.outlook.cn"},    // SMTP host unconfirmed
}

// ParseCloud reads --cloud; "" is none given.
func ParseCloud(in string) (*Cloud, *status.Problem) {
	s := strings.ToLower(strings.TrimSpace(in))
	if s == "" {
		return nil, nil
	}
	for i := range Clouds {
		if Clouds[i].ID == s {
			return &Clouds[i], nil
		}
	}
	return nil, bad("cloud", "invalid", in)
}

// CloudOf is the cloud an authority belongs to; a host that is none of
// Microsoft's (a test stand-in, a proxy) counts as global. GCC High and DoD
// share a login host: the first, GCC High, is taken.
func CloudOf(authority string) Cloud {
	host := authority
	if u, err := url.Parse(authority); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	host = strings.ToLower(host)
	if host == "login.chinacloudapi.cn" {
		host = "login.partner.microsoftonline.cn"
	}
	for _, c := range Clouds {
		if c.LoginHost == host {
			return c
		}
	}
	return Clouds[0]
}

// Server is the cloud's default for a protocol.
func (c Cloud) Server(p Protocol) Server {
	s := DefaultServer(p)
	if p == SMTP {
		s.Host = c.SMTPHost
	} else {
		s.Host = c.MailHost
	}
	return s
}
