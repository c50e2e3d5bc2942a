package account

import (
	"strings"
	"testing"
	"unicode/utf8"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

const guid = "0b3c1a2d-4e5f-6789-abcd-ef0123456789"

// assertProblem checks a problem's code and that both languages have its
// text and fix, so no user ever sees a bare key.
func assertProblem(t *testing.T, in string, p *status.Problem, code string) {
	t.Helper()
	if p == nil {
		t.Errorf("%q: accepted, want %s", in, code)
		return
	}
	if p.Code != code {
		t.Errorf("%q: problem %s, want %s", in, p.Code, code)
	}
	for _, l := range i18n.Langs {
		if !i18n.Has(l, p.Code) || !i18n.Has(l, p.Code+".fix") {
			t.Errorf("%s: no %s text or fix", p.Code, l)
		}
		if msg := p.Message(l); strings.Contains(msg, "{") {
			t.Errorf("%s: unfilled placeholder in %q", p.Code, msg)
		}
	}
}

func TestParseTenantGood(t *testing.T) {
	cases := []struct{ in, authority, tenant string }{
		{guid, DefaultAuthority, guid},
		{"{" + strings.ToUpper(guid) + "}", DefaultAuthority, guid},
		{"contoso.onmicrosoft.com", DefaultAuthority, "contoso.onmicrosoft.com"},
		{"Contoso.COM", DefaultAuthority, "contoso.com"},
		{"müller.de", DefaultAuthority, "xn--mller-kva.de"},
		{"organizations", DefaultAuthority, "organizations"},
		// The forms mail products' setup pages print or ask for.
		{"https://login.microsoftonline.com/" + guid + "/", DefaultAuthority, guid},
		{"https://login.microsoftonline.com/" + guid, DefaultAuthority, guid},
		{"https://login.microsoftonline.com/" + guid + "/v2.0", DefaultAuthority, guid},
		{"https://login.microsoftonline.com/" + guid + "/oauth2/v2.0/authorize?client_id=x&response_type=code&scope=a%20b", DefaultAuthority, guid},
		{"https://login.microsoftonline.com/" + guid + "/oauth2/v2.0/token", DefaultAuthority, guid},
		{"https://login.microsoftonline.com/contoso.onmicrosoft.com/.well-known/openid-configuration", DefaultAuthority, "contoso.onmicrosoft.com"},
		{"  https://LOGIN.microsoftonline.us/" + guid + "/  ", "https://login.microsoftonline.us", guid},
		{"https://127.0.0.1:8443/" + guid + "/", "https://127.0.0.1:8443", guid},
		{"https://[::1]:8443/" + guid + "/", "https://[::1]:8443", guid},
	}
	for _, c := range cases {
		a, tn, p := ParseTenant(c.in)
		if p != nil || a != c.authority || tn != c.tenant {
			t.Errorf("ParseTenant(%q) = %q %q %v, want %q %q", c.in, a, tn, p, c.authority, c.tenant)
		}
	}
}

func TestParseTenantBad(t *testing.T) {
	cases := map[string]string{
		"":    "account.tenant.empty",
		"   ": "account.tenant.empty",
		"http://login.microsoftonline.com/" + guid + "/":  "account.tenant.http",
		"ftp://example.com/x":                             "account.tenant.scheme",
		"https://login/microsoftonline.com/" + guid + "/": "account.tenant.single_label_suggest",
		"https://login/" + guid + "/":                     "account.tenant.single_label",
		"https://login.microsoftonline.com/":              "account.tenant.url_no_tenant",
		"https://login.microsoftonline.com":               "account.tenant.url_no_tenant",
		"https://login.microsoftonline.com:99999/" + guid: "account.tenant.url",
		"https://login.microsoftonline.com/common/":       "account.tenant.common",
		"common":                      "account.tenant.common",
		"consumers":                   "account.tenant.consumers",
		"anna@contoso.com":            "account.tenant.email",
		"contoso":                     "account.tenant.invalid",
		"0.":                          "account.tenant.invalid",      // found by FuzzParseTenant: accepted as tenant "0"
		"0\xbc.0":                     "account.tenant.invalid",      // found by FuzzParseTenant: broken UTF-8 stored as xn--0-q10i.0
		"https://\x87./00000000.0000": "account.tenant.url",          // found by FuzzParseTenant: broken UTF-8 kept as the authority
		"https://00000./0.0":          "account.tenant.single_label", // found by FuzzParseTenant: only the root's dot
		"my tenant.com":               "account.tenant.invalid",
		"0b3c1a2d-4e5f-6789-abcd":     "account.tenant.invalid",
		"https://login.microsoftonline.com/not a tenant/":     "account.tenant.invalid",
		"https://login.microsoftonline.com/anna@contoso.com/": "account.tenant.email",
		"https://anna@contoso.com":                            "account.tenant.userinfo",
		"https://anna:pw@login.microsoftonline.com/" + guid:   "account.tenant.userinfo",
	}
	for in, code := range cases {
		_, _, p := ParseTenant(in)
		assertProblem(t, in, p, code)
	}
	_, _, p := ParseTenant("https://login/microsoftonline.com/" + guid + "/")
	if p.Args["suggest"] != "https://login.microsoftonline.com/"+guid+"/" {
		t.Errorf("suggestion %q", p.Args["suggest"])
	}
}

func TestParseClientID(t *testing.T) {
	if id, p := ParseClientID(" {" + strings.ToUpper(guid) + "} "); p != nil || id != guid {
		t.Errorf("good id: %q %v", id, p)
	}
	cases := map[string]string{
		"":                                "account.client_id.empty",
		"anna@contoso.com":                "account.client_id.email",
		"api://" + guid:                   "account.client_id.url",
		"https://portal.azure.com/#blade": "account.client_id.url",
		"Xy8Q~abcdefghijklmnopqrstuvwxyz0123456789AB": "account.client_id.secret",
		"12345": "account.client_id.invalid",
		// A GUID with a digit missing, one too many or a hyphen lost is a
		// typing slip, not a secret: it must be shown so the user sees it.
		"1111111-2222-4333-8444-555555555555":   "account.client_id.invalid",
		"11111111-2222-4333-8444-5555555555555": "account.client_id.invalid",
		"11111111-2222-43338444-555555555555":   "account.client_id.invalid",
	}
	for in, code := range cases {
		_, p := ParseClientID(in)
		assertProblem(t, in, p, code)
	}
	_, p := ParseClientID("Xy8Q~abcdefghijklmnopqrstuvwxyz0123456789AB")
	if strings.Contains(p.Error(), "Xy8Q") || p.Args["value"] != "" {
		t.Error("a secret-looking value is echoed")
	}
}

func TestParseAddress(t *testing.T) {
	good := map[string]string{
		"anna@contoso.com":       "anna@contoso.com",
		" Anna.B@Contoso.COM ":   "Anna.B@contoso.com",
		"info@müller.de":         "info@xn--mller-kva.de",
		"shared+box@example.org": "shared+box@example.org",
	}
	for in, want := range good {
		if got, p := ParseAddress("login", in); p != nil || got != want {
			t.Errorf("ParseAddress(%q) = %q %v, want %q", in, got, p, want)
		}
	}
	bad := map[string]string{
		"":                         "account.login.empty",
		"anna":                     "account.login.no_at",
		"anna@contoso":             "account.login.no_domain",
		"anna@":                    "account.login.no_domain",
		"@contoso.com":             "account.login.invalid",
		"Anna <anna@contoso.com>":  "account.login.invalid",
		"anna@contoso.com, b@c.de": "account.login.invalid",
		"anna@@contoso.com":        "account.login.invalid",
		"anna@cont_oso..com":       "account.login.no_domain",
		"anna@contoso.":            "account.login.no_domain", // its only dot is the root's
	}
	for in, code := range bad {
		_, p := ParseAddress("login", in)
		assertProblem(t, in, p, code)
	}
}

func TestParseHostPort(t *testing.T) {
	good := []struct {
		p    Protocol
		in   string
		want Server
	}{
		{IMAP, "outlook.office365.com", Server{true, "outlook.office365.com", 993, TLS}},
		{IMAP, "mail.example.com:143", Server{true, "mail.example.com", 143, STARTTLS}},
		{POP3, "Mail.Example.com:995", Server{true, "mail.example.com", 995, TLS}},
		{SMTP, "smtp.office365.com:587", Server{true, "smtp.office365.com", 587, STARTTLS}},
		{SMTP, "smtp.example.com:465", Server{true, "smtp.example.com", 465, TLS}},
		{SMTP, "smtp.example.com:2525", Server{true, "smtp.example.com", 2525, STARTTLS}},
		{IMAP, "mail.müller.de:993", Server{true, "mail.xn--mller-kva.de", 993, TLS}},
		{IMAP, "127.0.0.1:10993", Server{true, "127.0.0.1", 10993, TLS}},
		{IMAP, "[::1]:993", Server{true, "::1", 993, TLS}},
		{IMAP, "[2001:db8::1]", Server{true, "2001:db8::1", 993, TLS}},
		{SMTP, "[2001:DB8::1]:2525", Server{true, "2001:db8::1", 2525, STARTTLS}},
		{POP3, "off", Server{}},
		{POP3, "OFF", Server{}},
	}
	for _, c := range good {
		got, p := ParseHostPort(c.p, c.in)
		if p != nil || got != c.want {
			t.Errorf("ParseHostPort(%s, %q) = %+v %v, want %+v", c.p, c.in, got, p, c.want)
		}
	}
	bad := []struct {
		p        Protocol
		in, code string
	}{
		{IMAP, "", "account.imap.host_empty"},
		{IMAP, ":993", "account.imap.host_empty"},
		{IMAP, "https://outlook.office365.com", "account.imap.host_invalid"},
		{IMAP, "outlook.office365.com/imap", "account.imap.host_invalid"},
		{IMAP, "out look.com", "account.imap.host_invalid"},
		{IMAP, "-bad-.example.com", "account.imap.host_invalid"},
		{IMAP, "[::1", "account.imap.host_invalid"},
		{IMAP, "[mail.example.com]:993", "account.imap.host_invalid"},
		{IMAP, "[127.0.0.1]:993", "account.imap.host_invalid"},
		// Bare IPv6 reads as an address and as address-plus-port.
		{IMAP, "::1:993", "account.imap.host_ipv6"},
		{POP3, "2001:db8::1", "account.pop3.host_ipv6"},
		{POP3, "mail.example.com:0", "account.pop3.port"},
		{POP3, "mail.example.com:65536", "account.pop3.port"},
		{SMTP, "mail.example.com:abc", "account.smtp.port"},
		{SMTP, "mail.example.com:", "account.smtp.port"},
		{SMTP, strings.Repeat("a", 64) + ".com", "account.smtp.host_invalid"},
	}
	for _, c := range bad {
		_, p := ParseHostPort(c.p, c.in)
		assertProblem(t, c.in, p, c.code)
	}
}

func TestParseSmallFields(t *testing.T) {
	if _, p := ParseSecurity("imap_security", "SSL"); p != nil {
		t.Error("SSL refused")
	}
	_, p := ParseSecurity("smtp_security", "plain")
	assertProblem(t, "plain", p, "account.smtp_security.security")
	for in, code := range map[string]string{
		"":                      "account.name.empty",
		"a/b":                   "account.name.invalid",
		"..":                    "account.name.invalid",
		"a b":                   "account.name.invalid",
		strings.Repeat("x", 65): "account.name.long",
	} {
		_, p := ParseName(in)
		assertProblem(t, in, p, code)
	}
	if n, p := ParseName("Büro-1"); p != nil || n != "Büro-1" {
		t.Error("unicode name refused")
	}
	_, p = ParseFlow("password")
	assertProblem(t, "password", p, "account.flow.invalid")
	_, p = ParseRedirect("urn:ietf:wg:oauth:2.0:oob")
	assertProblem(t, "oob", p, "account.redirect.invalid")
	if r, p := ParseRedirect(NativeClientURI); p != nil || r != RedirectNativeClient {
		t.Error("nativeclient URI refused")
	}
}

func TestInputBuild(t *testing.T) {
	a, probs := Input{Name: "info", Login: "info@contoso.com", Mailbox: "INFO@contoso.com",
		Tenant: "https://login.microsoftonline.com/" + guid + "/", ClientID: guid, POP3: "off"}.Build()
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	if a.Mailbox != "" || a.POP3.Enabled || a.IMAP != DefaultServer(IMAP) || a.SMTP != DefaultServer(SMTP) || a.Flow != FlowBrowser || a.Redirect != RedirectLoopback {
		t.Errorf("defaults wrong: %+v", a)
	}
	if len(a.Validate()) != 0 {
		t.Errorf("built account does not validate: %v", a.Validate())
	}
	// Every bad field is reported at once.
	_, probs = Input{Name: "a/b", Login: "x", Tenant: "https://login/microsoftonline.com/x.y/", ClientID: "anna@contoso.com",
		IMAP: "bad host", SMTPSecurity: "none"}.Build()
	codes := map[string]bool{}
	for _, p := range probs {
		codes[p.Code] = true
	}
	for _, want := range []string{"account.name.invalid", "account.login.no_at", "account.tenant.single_label_suggest",
		"account.client_id.email", "account.imap.host_invalid", "account.smtp_security.security"} {
		if !codes[want] {
			t.Errorf("missing %s in %v", want, codes)
		}
	}
	_, probs = Input{Name: "n", Login: "a@b.de", Tenant: guid, ClientID: guid, IMAP: "off", POP3: "off", SMTP: "off"}.Build()
	if len(probs) != 1 || probs[0].Code != "account.protocols.none" {
		t.Errorf("all off: %v", probs)
	}
}

// TestClouds: the tenant's login host or --cloud picks the sign-in host and
// the default servers of that cloud; servers given explicitly win.
func TestClouds(t *testing.T) {
	base := Input{Name: "c", Login: "anna@contoso.us", ClientID: guid}
	cases := []struct {
		tenant, cloud, authority, mail, smtp, graph string
	}{
		{guid, "", "https://login.microsoftonline.com", "outlook.office365.com", "smtp.office365.com", "graph.microsoft.com"},
		{"https://login.microsoftonline.us/" + guid + "/", "", "https://login.microsoftonline.us", "outlook.office365.us", "smtp.office365.us", "graph.microsoft.us"},
		{guid, "usgov", "https://login.microsoftonline.us", "outlook.office365.us", "smtp.office365.us", "graph.microsoft.us"},
		{guid, "USGov-DoD", "https://login.microsoftonline.us", "outlook-dod.office365.us", "outlook-dod.office365.us", "dod-graph.microsoft.us"},
		{guid, "china", "https://login.partner.microsoftonline.cn", "partner.outlook.cn", "smtp.partner.outlook.cn", "microsoftgraph.chinacloudapi.cn"},
		{"https://login.chinacloudapi.cn/" + guid, "", "https://login.chinacloudapi.cn", "partner.outlook.cn", "smtp.partner.outlook.cn", "microsoftgraph.chinacloudapi.cn"},
		// A login URL says where to sign in; --cloud then picks only the servers.
		{"https://login.microsoftonline.us/" + guid + "/", "usgov-dod", "https://login.microsoftonline.us", "outlook-dod.office365.us", "outlook-dod.office365.us", "dod-graph.microsoft.us"},
	}
	for _, c := range cases {
		in := base
		in.Tenant, in.Cloud = c.tenant, c.cloud
		a, probs := in.Build()
		if len(probs) > 0 {
			t.Fatalf("%s/%s: %v", c.tenant, c.cloud, probs)
		}
		if a.Authority != c.authority || a.IMAP.Host != c.mail || a.POP3.Host != c.mail || a.SMTP.Host != c.smtp {
			t.Errorf("%s/%s: %s %s %s %s", c.tenant, c.cloud, a.Authority, a.IMAP.Host, a.POP3.Host, a.SMTP.Host)
		}
		// The account knows its cloud afterwards, DoD apart from GCC High
		// (they share a login host) by its mail servers.
		if g := a.Cloud().GraphHost; g != c.graph {
			t.Errorf("%s/%s: Graph host %s, want %s", c.tenant, c.cloud, g, c.graph)
		}
	}
	in := base
	in.Tenant, in.Cloud, in.IMAP = guid, "china", "imap.example.cn:993"
	if a, _ := in.Build(); a == nil || a.IMAP.Host != "imap.example.cn" {
		t.Errorf("explicit server lost: %+v", a)
	}
	in.Cloud = "mars"
	_, probs := in.Build()
	// An authority that is none of Microsoft's (the sandbox, a proxy) is
	// global.
	if c := (&Account{Authority: "https://127.0.0.1:8443"}).Cloud(); c.ID != "global" {
		t.Errorf("stand-in authority: %s", c.ID)
	}
	if len(probs) != 1 || probs[0].Code != "account.cloud.invalid" {
		t.Errorf("bad cloud: %v", probs)
	}
}

// TestHostPortRoundTrip: what the wizard writes back into a server field
// parses as the same server. "::1:1993" written for an IPv6 server parsed
// as another host (or was refused).
func TestHostPortRoundTrip(t *testing.T) {
	for _, srv := range []Server{
		{true, "::1", 1993, STARTTLS},
		{true, "2001:db8::1", 993, TLS},
		{true, "127.0.0.1", 10993, STARTTLS},
		{true, "outlook.office365.com", 993, TLS},
	} {
		text := srv.HostPort()
		got, p := ParseHostPort(IMAP, text)
		if p != nil || got.Host != srv.Host || got.Port != srv.Port {
			t.Errorf("%+v written as %q parses as %+v %v", srv, text, got, p)
		}
	}
	if got := FormatHostPort("::1", 1993); got != "[::1]:1993" {
		t.Errorf("FormatHostPort(::1, 1993) = %q", got)
	}
}

// TestLengthLimits: RFC 5321's limits for addresses (local part 64 octets,
// whole address 254), a bound for the tenant and the server field, and a
// client secret that is checked without ever being echoed.
func TestLengthLimits(t *testing.T) {
	dom := strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + "." + strings.Repeat("f", 57) + ".com" // 189
	local64 := strings.Repeat("l", 64)
	if got, p := ParseAddress("login", local64+"@"+dom); p != nil || len(got) != 254 {
		t.Errorf("254-octet address refused: %v (%d)", p, len(got))
	}
	_, p := ParseAddress("login", local64+"x@contoso.com")
	assertProblem(t, "65-octet local part", p, "account.login.local_long")
	_, p = ParseAddress("to", local64+"@x."+dom)
	assertProblem(t, "256-octet address", p, "account.to.long")
	_, p = ParseAddress("mailbox", strings.Repeat("a", 100000)+"@contoso.com")
	assertProblem(t, "huge address", p, "account.mailbox.long")
	if utf8.RuneCountInString(p.Args["value"]) > status.EchoMax {
		t.Errorf("the message echoes %d characters", len(p.Args["value"]))
	}
	_, _, p = ParseTenant("https://login.microsoftonline.com/" + strings.Repeat("a", MaxTenant))
	assertProblem(t, "long tenant", p, "account.tenant.long")
	_, p = ParseHostPort(IMAP, strings.Repeat("a", 300)+":993")
	assertProblem(t, "long server", p, "account.imap.host_invalid")
	if s, p := ParseClientSecret(" abc~DEF.123 \n"); p != nil || s != "abc~DEF.123" {
		t.Errorf("secret: %q %v", s, p)
	}
	for in, code := range map[string]string{
		strings.Repeat("s", MaxClientSecret+1): "account.client_secret.long",
		"abc\x1b[2Jdef":                        "account.client_secret.invalid",
	} {
		_, p := ParseClientSecret(in)
		assertProblem(t, "secret", p, code)
		if p != nil && strings.Contains(p.Message(i18n.EN), "def") || p != nil && p.Args["value"] != "" {
			t.Error("a secret was echoed")
		}
	}
}

// TestEchoedValuesAreEscaped: a value with a terminal escape sequence
// comes back in the message escaped.
func TestEchoedValuesAreEscaped(t *testing.T) {
	_, _, p := ParseTenant("\x1b]0;owned\x07contoso")
	if p == nil || strings.ContainsRune(p.Message(i18n.EN), 0x1b) || !strings.Contains(p.Message(i18n.EN), `\x1b]0;owned\x07contoso`) {
		t.Errorf("tenant message %q", p.Message(i18n.EN))
	}
}
