package account

import (
	"net/url"
	"slices"
	"strings"

	"mailoauth/core/status"
)

// Cloud is one of Microsoft's clouds: where its users sign in, which
// resource its Exchange Online takes tokens for, and where its mail and
// Graph servers answer. Each needs its own app registration. Every part of
// the program that depends on the cloud reads this table (sign-in scopes,
// the settings card, the token check, the sandbox), so a cloud is added or
// corrected here and nowhere else.
//
// Confirmed from Microsoft's documentation: the global values, the login
// hosts of US Government and 21Vianet (Entra's national-cloud page), and
// all Graph hosts (Graph's national-cloud deployments page). NOT confirmed
// (third-party tools and community reports only): the GCC High and DoD mail
// hosts, DoD's token resource, 21Vianet's SMTP host and the 21Vianet token
// resource (sasl-xoauth2's cloud table, DavMail, email-oauth2-proxy). Each
// such row says so in Unconfirmed. GCC (moderate) uses the global cloud.
type Cloud struct {
	ID        string // for --cloud
	LoginHost string
	// OtherLoginHosts are further names of the same sign-in service; an
	// authority on one of them belongs to this cloud.
	OtherLoginHosts []string
	// Resource is what the delegated mail scopes name: Resource + "/" +
	// permission. The portal lists the permissions under "Microsoft
	// Graph", but a Graph scope yields a token Exchange refuses.
	Resource string
	// AppScope is the one scope of an app-only (client credentials) token
	// request.
	AppScope string
	// Audiences are the "aud" values this cloud's Exchange takes.
	Audiences []string
	// GraphHost serves Microsoft Graph (https://GraphHost/v1.0).
	GraphHost string
	MailHost  string // IMAP and POP3
	SMTPHost  string
	// Unconfirmed names the values above that Microsoft does not document;
	// "" when all are confirmed.
	Unconfirmed string
}

// exchangeAppID is Exchange Online's application ID; tokens issued by the
// v1 endpoint carry it as their audience instead of a URL.
const exchangeAppID = "00000002-0000-0ff1-ce00-000000000000"

// Clouds lists the clouds, global first.
var Clouds = []Cloud{
	{ID: "global", LoginHost: "login.microsoftonline.com",
		Resource: "https://outlook.office.com", AppScope: "https://outlook.office365.com/.default",
		Audiences: []string{"https://outlook.office.com", "https://outlook.office365.com", exchangeAppID},
		GraphHost: "graph.microsoft.com", MailHost: "outlook.office365.com", SMTPHost: "smtp.office365.com"},
	{ID: "usgov", LoginHost: "login.microsoftonline.us",
		Resource: "https://outlook.office365.us", AppScope: "https://outlook.office365.us/.default",
		Audiences: []string{"https://outlook.office365.us", exchangeAppID},
		GraphHost: "graph.microsoft.us", MailHost: "outlook.office365.us", SMTPHost: "smtp.office365.us",
		Unconfirmed: "mail hosts, token resource"},
	{ID: "usgov-dod", LoginHost: "login.microsoftonline.us",
		Resource: "https://outlook.office365.us", AppScope: "https://outlook.office365.us/.default",
		Audiences: []string{"https://outlook.office365.us", exchangeAppID},
		GraphHost: "dod-graph.microsoft.us", MailHost: "outlook-dod.office365.us", SMTPHost: "outlook-dod.office365.us",
		Unconfirmed: "mail hosts, token resource"},
	{ID: "china", LoginHost: "login.partner.microsoftonline.cn", OtherLoginHosts: []string{"login.chinacloudapi.cn"},
		Resource: "https://partner.outlook.cn", AppScope: "https://partner.outlook.cn/.default",
		Audiences: []string{"https://partner.outlook.cn", exchangeAppID},
		GraphHost: "microsoftgraph.chinacloudapi.cn", MailHost: "partner.outlook.cn", SMTPHost: "smtp.partner.outlook.cn",
		Unconfirmed: "SMTP host, token resource"},
}

// GlobalCloud is Microsoft's global cloud (commercial and GCC moderate).
func GlobalCloud() Cloud { return Clouds[0] }

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
// share a login host: the first, GCC High, is taken (Account.Cloud tells
// them apart by the mail servers).
func CloudOf(authority string) Cloud {
	if c := cloudsOf(authority); len(c) > 0 {
		return c[0]
	}
	return GlobalCloud()
}

func cloudsOf(authority string) []Cloud {
	host := authority
	if u, err := url.Parse(authority); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	host = strings.ToLower(host)
	var out []Cloud
	for _, c := range Clouds {
		if c.LoginHost == host || slices.Contains(c.OtherLoginHosts, host) {
			out = append(out, c)
		}
	}
	return out
}

// Cloud is the account's cloud: the one of its authority, and of two clouds
// that share a login host (GCC High, DoD) the one whose mail servers the
// account uses.
func (a *Account) Cloud() Cloud {
	cs := cloudsOf(a.Authority)
	if len(cs) == 0 {
		return GlobalCloud()
	}
	for _, c := range cs {
		for _, p := range a.EnabledProtocols() {
			if strings.EqualFold(a.Server(p).Host, c.Server(p).Host) {
				return c
			}
		}
	}
	return cs[0]
}

// Scope is the delegated scope string of a mail permission in this cloud,
// e.g. https://outlook.office.com/IMAP.AccessAsUser.All.
func (c Cloud) Scope(permission string) string { return c.Resource + "/" + permission }

// AcceptsAudience says whether this cloud's Exchange takes a token with
// audience aud (a trailing slash does not matter).
func (c Cloud) AcceptsAudience(aud string) bool {
	return slices.Contains(c.Audiences, strings.TrimSuffix(aud, "/"))
}

// Server is the cloud's default for a protocol: Exchange Online's ports
// (implicit TLS for IMAP and POP3, STARTTLS on 587 for SMTP submission).
func (c Cloud) Server(p Protocol) Server {
	switch p {
	case IMAP:
		return Server{Enabled: true, Host: c.MailHost, Port: 993, Security: TLS}
	case POP3:
		return Server{Enabled: true, Host: c.MailHost, Port: 995, Security: TLS}
	case SMTP:
		return Server{Enabled: true, Host: c.SMTPHost, Port: 587, Security: STARTTLS}
	}
	return Server{}
}
