package account

import (
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"mailoauth/core/status"
)

// Length limits. RFC 5321 4.5.3.1: a local part has at most 64 octets, a
// path at most 256 including the angle brackets, so an address at most 254.
// A tenant is at most a login URL with a domain (253) in it; a server field
// at most a name (253) in brackets with a port. Anything longer is a paste
// gone wrong, and refusing it early keeps IDNA and the mail parser from
// chewing on a megabyte.
const (
	MaxLocalPart  = 64
	MaxAddress    = 254
	MaxTenant     = 512
	MaxServer     = 264
	maxIDNAddress = 4 * MaxAddress // UTF-8 before punycode can be longer than ASCII after
)

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// bad returns a red input problem for field with the offending value.
func bad(field, code, value string, more ...string) *status.Problem {
	args := append([]string{"field", field, "value", value}, more...)
	return status.New(status.Red, "account."+field+"."+code, args...)
}

// IsGUID says whether s is a GUID (as a tenant ID or client ID is).
func IsGUID(s string) bool { return guidRE.MatchString(s) }

// normGUID strips braces and lowercases; ok is false when in is no GUID.
func normGUID(in string) (string, bool) {
	s := strings.TrimSpace(in)
	s = strings.TrimPrefix(strings.TrimSuffix(s, "}"), "{")
	if !guidRE.MatchString(s) {
		return "", false
	}
	return strings.ToLower(s), true
}

// ParseTenant accepts a tenant GUID, a verified domain, "organizations" or a
// login URL in the forms mail products print or ask for (with or without
// /v2.0, a trailing slash, /oauth2/v2.0/…), and returns the authority
// (scheme://host[:port]) and the tenant.
func ParseTenant(in string) (authority, tenant string, p *status.Problem) {
	s := strings.TrimSpace(in)
	if s == "" {
		return "", "", bad("tenant", "empty", s)
	}
	if len(s) > MaxTenant {
		return "", "", bad("tenant", "long", s, "length", strconv.Itoa(len(s)), "max", strconv.Itoa(MaxTenant))
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "http://") {
		return "", "", bad("tenant", "http", s)
	}
	if strings.HasPrefix(lower, "https://") {
		return parseTenantURL(s)
	}
	if strings.Contains(s, "://") {
		return "", "", bad("tenant", "scheme", s)
	}
	t, p := parseTenantName(s)
	if p != nil {
		return "", "", p
	}
	return DefaultAuthority, t, nil
}

func parseTenantURL(s string) (string, string, *status.Problem) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", "", bad("tenant", "url", s)
	}
	host := u.Hostname()
	if u.User != nil {
		// "https://anna@contoso.com": an address pasted behind the scheme.
		return "", "", bad("tenant", "userinfo", s, "domain", strings.ToLower(host))
	}
	ip := net.ParseIP(host)
	if ip == nil && !strings.Contains(host, ".") {
		// "https://login/microsoftonline.com/<id>/" — a slash typed for the
		// dot, as one vendor's setup page (HELIUM 5) prints it. Offer the URL the user meant.
		suggest := ""
		segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
		if len(segs) > 0 && strings.Contains(segs[0], ".") {
			suggest = "https://" + host + "." + strings.Join(segs, "/")
			if strings.HasSuffix(u.Path, "/") {
				suggest += "/"
			}
		}
		if suggest != "" {
			return "", "", bad("tenant", "single_label_suggest", s, "host", host, "suggest", suggest)
		}
		return "", "", bad("tenant", "single_label", s, "host", host)
	}
	authority := "https://" + strings.ToLower(u.Host)
	if ip == nil {
		// The authority is kept and dialled in ASCII; a name that has no
		// ASCII form (broken UTF-8, a bad IDN) is no sign-in service.
		a, ok := asciiDomain(host)
		if !ok {
			return "", "", bad("tenant", "url", s)
		}
		if !strings.Contains(a, ".") {
			// "https://login./…": the only dot was the root's.
			return "", "", bad("tenant", "single_label", s, "host", a)
		}
		authority = "https://" + a
		if p := u.Port(); p != "" {
			authority += ":" + p
		}
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", "", bad("tenant", "url", s)
		}
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) == 0 || segs[0] == "" {
		return "", "", bad("tenant", "url_no_tenant", s)
	}
	t, p := parseTenantName(segs[0])
	if p != nil {
		return "", "", p
	}
	return authority, t, nil
}

// parseTenantName checks a bare tenant: GUID, domain or "organizations".
func parseTenantName(s string) (string, *status.Problem) {
	if g, ok := normGUID(s); ok {
		return g, nil
	}
	lower := strings.ToLower(s)
	switch lower {
	case "organizations":
		return lower, nil
	case "common":
		return "", bad("tenant", "common", s)
	case "consumers":
		return "", bad("tenant", "consumers", s)
	}
	if strings.Contains(s, "@") {
		domain := s[strings.LastIndexByte(s, '@')+1:]
		return "", bad("tenant", "email", s, "domain", domain)
	}
	if strings.ContainsAny(s, " \t/\\?#") {
		return "", bad("tenant", "invalid", s)
	}
	if !strings.Contains(s, ".") {
		return "", bad("tenant", "invalid", s)
	}
	d, ok := asciiDomain(s)
	if !ok || !strings.Contains(d, ".") {
		// "0." has its dot only as the root's: no verified domain.
		return "", bad("tenant", "invalid", s)
	}
	return d, nil
}

// asciiDomain normalises a host name to lowercase ASCII (punycode for IDN)
// and checks label and length limits.
func asciiDomain(s string) (string, bool) {
	s = strings.TrimSuffix(s, ".")
	if !utf8.ValidString(s) {
		// IDNA turns a broken byte into U+FFFD and encodes that: a name
		// nobody typed, which the next reading refuses.
		return "", false
	}
	a, err := idna.Lookup.ToASCII(s)
	if err != nil || a == "" || len(a) > 253 {
		return "", false
	}
	if again, err := idna.Lookup.ToASCII(a); err != nil || again != a {
		// What we store must read back as itself.
		return "", false
	}
	for _, l := range strings.Split(a, ".") {
		if l == "" || len(l) > 63 {
			return "", false
		}
	}
	return strings.ToLower(a), true
}

var guidSlip = regexp.MustCompile(`^\{?[0-9A-Fa-f-]+\}?$`)

var secretAlphabet = regexp.MustCompile(`^[A-Za-z0-9~._\-]{34,44}$`)

// ParseClientID accepts the Application (client) ID GUID.
func ParseClientID(in string) (string, *status.Problem) {
	s := strings.TrimSpace(in)
	if s == "" {
		return "", bad("client_id", "empty", s)
	}
	if g, ok := normGUID(s); ok {
		return g, nil
	}
	switch {
	case strings.Contains(s, "@"):
		return "", bad("client_id", "email", s)
	case strings.Contains(s, "://"):
		return "", bad("client_id", "url", s)
	case guidSlip.MatchString(s):
		// Hex digits and hyphens only: a client ID with a digit or hyphen
		// too many or too few. Entra's secrets use the whole alphabet, so
		// this is no secret, and the user needs to see what was typed.
		return "", bad("client_id", "invalid", s)
	case strings.Contains(s, "~") || secretAlphabet.MatchString(s):
		// Never echo what may be a secret value.
		return "", status.New(status.Red, "account.client_id.secret", "field", "client_id")
	}
	return "", bad("client_id", "invalid", s)
}

// MaxClientSecret bounds a client secret: Entra's are 40 characters, a
// certificate-less secret from elsewhere a few hundred at most.
const MaxClientSecret = 1024

// ParseClientSecret checks a client secret before it goes to the keyring.
// Its value is never echoed, not even cut.
func ParseClientSecret(in string) (string, *status.Problem) {
	s := strings.TrimSpace(in)
	if len(s) > MaxClientSecret {
		return "", status.New(status.Red, "account.client_secret.long", "field", "client_secret",
			"length", strconv.Itoa(len(s)), "max", strconv.Itoa(MaxClientSecret))
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", status.New(status.Red, "account.client_secret.invalid", "field", "client_secret")
		}
	}
	return s, nil
}

// ParseAddress checks one e-mail address for field (login, mailbox, to). The
// domain is normalised to ASCII; the local part is kept as typed.
func ParseAddress(field, in string) (string, *status.Problem) {
	s := strings.TrimSpace(in)
	if s == "" {
		return "", bad(field, "empty", s)
	}
	if len(s) > maxIDNAddress {
		return "", bad(field, "long", s, "length", strconv.Itoa(len(s)), "max", strconv.Itoa(MaxAddress))
	}
	if strings.ContainsAny(s, " \t<>,;\"") {
		return "", bad(field, "invalid", s)
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", bad(field, "no_at", s)
	}
	local, domain := s[:at], s[at+1:]
	if local == "" || strings.Contains(local, "@") {
		return "", bad(field, "invalid", s)
	}
	if !strings.Contains(domain, ".") {
		return "", bad(field, "no_domain", s)
	}
	d, ok := asciiDomain(domain)
	if !ok || !strings.Contains(d, ".") {
		// "anna@contoso." has its dot only as the root's.
		return "", bad(field, "no_domain", s)
	}
	if len(local) > MaxLocalPart {
		return "", bad(field, "local_long", s, "length", strconv.Itoa(len(local)), "max", strconv.Itoa(MaxLocalPart))
	}
	addr := local + "@" + d
	if len(addr) > MaxAddress {
		return "", bad(field, "long", s, "length", strconv.Itoa(len(addr)), "max", strconv.Itoa(MaxAddress))
	}
	if _, err := mail.ParseAddress(addr); err != nil {
		return "", bad(field, "invalid", s)
	}
	return addr, nil
}

// ParseHost checks a server name, IDN or IP literal and returns the form used
// for dialing (ASCII; IPv6 without brackets).
func ParseHost(field, in string) (string, *status.Problem) {
	s := strings.TrimSpace(in)
	if s == "" {
		return "", bad(field, "host_empty", s)
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	if ip := net.ParseIP(s); ip != nil {
		return ip.String(), nil
	}
	if strings.ContainsAny(s, " /\\:@?#") {
		return "", bad(field, "host_invalid", in)
	}
	d, ok := asciiDomain(s)
	if !ok {
		return "", bad(field, "host_invalid", in)
	}
	for _, l := range strings.Split(d, ".") {
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", bad(field, "host_invalid", in)
		}
		for _, r := range l {
			if !(r == '-' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
				return "", bad(field, "host_invalid", in)
			}
		}
	}
	return d, nil
}

// ParseHostPort reads --imap/--pop3/--smtp: "off", "HOST" or "HOST:PORT"
// (IPv6 as "[::1]:993"). The security mode follows well-known ports, else the
// protocol's Microsoft 365 default.
func ParseHostPort(p Protocol, in string) (Server, *status.Problem) {
	field := string(p)
	s := strings.TrimSpace(in)
	if strings.EqualFold(s, "off") {
		return Server{Enabled: false}, nil
	}
	if len(s) > MaxServer || strings.ContainsAny(s, "/\\ ") {
		// A URL, a path or a whole paste where a server belongs.
		return Server{}, bad(field, "host_invalid", in)
	}
	def := DefaultServer(p)
	host, portStr := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return Server{}, bad(field, "host_invalid", in)
		}
		if inner := s[1:end]; net.ParseIP(inner) == nil || !strings.Contains(inner, ":") {
			// Brackets exist to set an IPv6 address's colons apart from
			// the port's; around a name or IPv4 address they are a typo.
			return Server{}, bad(field, "host_invalid", in)
		}
		host = s[:end+1]
		rest := s[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return Server{}, bad(field, "host_invalid", in)
			}
			portStr = rest[1:]
		}
	} else if strings.Count(s, ":") == 1 {
		i := strings.IndexByte(s, ':')
		host, portStr = s[:i], s[i+1:]
	} else if strings.Count(s, ":") > 1 {
		// An IPv6 address without brackets cannot be told from one with a
		// port: "::1:993" is the address ::1:993 and also ::1 port 993.
		// Storing either guess would check another server than meant.
		return Server{}, bad(field, "host_ipv6", in)
	}
	h, prob := ParseHost(field, host)
	if prob != nil {
		return Server{}, prob
	}
	port := def.Port
	if portStr != "" || strings.HasSuffix(s, ":") {
		n, err := strconv.Atoi(portStr)
		if err != nil || n < 1 || n > 65535 {
			return Server{}, bad(field, "port", in, "port", portStr)
		}
		port = n
	}
	return Server{Enabled: true, Host: h, Port: port, Security: SecurityForPort(p, port)}, nil
}

// FormatHostPort writes a server the way ParseHostPort reads it back: an
// IPv6 address in brackets, so that its colons are not taken for the port's.
// It is also the address a connection dials.
func FormatHostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// HostPort is the server as a server field shows it: FormatHostPort.
func (s Server) HostPort() string { return FormatHostPort(s.Host, s.Port) }

// SecurityForPort infers the TLS mode from well-known ports.
func SecurityForPort(p Protocol, port int) Security {
	switch port {
	case 993, 995, 465:
		return TLS
	case 143, 110, 587, 25:
		return STARTTLS
	}
	return DefaultServer(p).Security
}

// ParseSecurity reads "tls" or "starttls".
func ParseSecurity(field, in string) (Security, *status.Problem) {
	switch strings.ToLower(strings.TrimSpace(in)) {
	case "tls", "ssl", "ssl/tls":
		return TLS, nil
	case "starttls":
		return STARTTLS, nil
	}
	return "", bad(field, "security", in)
}

// ParseName checks an account name: it becomes part of keyring keys and of a
// lock file's name, so path and key separators are refused.
func ParseName(in string) (string, *status.Problem) {
	s := strings.TrimSpace(in)
	if s == "" {
		return "", bad("name", "empty", s)
	}
	if len([]rune(s)) > 64 {
		return "", bad("name", "long", s)
	}
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "-") {
		return "", bad("name", "invalid", s)
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-@", r) {
			continue
		}
		return "", bad("name", "invalid", s)
	}
	return s, nil
}

// ParseFlow reads --flow.
func ParseFlow(in string) (Flow, *status.Problem) {
	switch strings.ToLower(strings.TrimSpace(in)) {
	case "", "browser":
		return FlowBrowser, nil
	case "device":
		return FlowDevice, nil
	case "app":
		return FlowApp, nil
	}
	return "", bad("flow", "invalid", in)
}

// ParseRedirect reads --redirect; the nativeclient URI itself is accepted too.
func ParseRedirect(in string) (Redirect, *status.Problem) {
	s := strings.ToLower(strings.TrimSpace(in))
	switch {
	case s == "" || s == "loopback" || strings.HasPrefix(s, "http://localhost"):
		return RedirectLoopback, nil
	case s == "nativeclient" || s == strings.ToLower(NativeClientURI):
		return RedirectNativeClient, nil
	}
	return "", bad("redirect", "invalid", in)
}
