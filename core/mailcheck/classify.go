package mailcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// rule maps a server reply (matched by substrings, all of which must occur)
// to a problem code and level.
type rule struct {
	proto string // "" for any
	has   []string
	code  string
	level status.Level
}

// rules are checked in order; the Exchange Online texts come first, the
// generic ones last.
var rules = []rule{
	// 530 5.7.57 quotes the 535 5.7.139 it follows; it must win.
	{"smtp", []string{"5.7.57"}, "mailcheck.smtp.not_authenticated", status.Red},
	{"smtp", []string{"5.7.139", "disabled for the Tenant"}, "mailcheck.smtp.auth_disabled_tenant", status.Red},
	{"smtp", []string{"5.7.139", "disabled for the Mailbox"}, "mailcheck.smtp.auth_disabled_mailbox", status.Red},
	{"smtp", []string{"5.7.139", "SmtpClientAuthentication is disabled"}, "mailcheck.smtp.auth_disabled_tenant", status.Red},
	{"smtp", []string{"5.7.139", "basic authentication is disabled"}, "mailcheck.smtp.basic_disabled", status.Red},
	{"smtp", []string{"5.7.139", "did not meet the criteria"}, "mailcheck.smtp.conditional_access", status.Red},
	{"smtp", []string{"5.7.139"}, "mailcheck.smtp.auth_failed", status.Red},
	{"smtp", []string{"5.7.60"}, "mailcheck.smtp.send_as", status.Red},
	// Postfix with reject_sender_login_mismatch: the login does not own
	// the sender in smtpd_sender_login_maps.
	{"smtp", []string{"5.7.1", "not owned by user"}, "mailcheck.smtp.sender_not_owned", status.Red},
	{"smtp", []string{"SendAsDenied"}, "mailcheck.smtp.send_as_denied", status.Red},
	{"smtp", []string{"5.2.252"}, "mailcheck.smtp.send_as_denied", status.Red},
	// 430 is a 4xx, but STOREDRV logon failure is a missing mailbox
	// permission of an app, which no retry fixes.
	{"smtp", []string{"STOREDRV", "logon failure"}, "mailcheck.smtp.storedrv", status.Red},
	{"smtp", []string{"4.7.66"}, "mailcheck.smtp.tls_old", status.Red},
	{"smtp", []string{"5.7.30"}, "mailcheck.smtp.basic_disabled", status.Red},
	{"smtp", []string{"5.7.3"}, "mailcheck.smtp.auth_failed", status.Red},
	{"smtp", []string{"535"}, "mailcheck.smtp.auth_failed", status.Red},
	{"smtp", []string{"5.1.8"}, "mailcheck.smtp.bad_sender", status.Red},
	{"imap", []string{"User is authenticated but not connected"}, "mailcheck.imap.not_connected", status.Red},
	{"imap", []string{"AUTHENTICATIONFAILED"}, "mailcheck.imap.authenticationfailed", status.Red},
	{"imap", []string{"UNAVAILABLE"}, "mailcheck.temporary", status.Yellow},
	{"imap", []string{"AUTHENTICATE failed"}, "mailcheck.imap.auth_failed", status.Red},
	{"pop3", []string{"[SYS/TEMP]"}, "mailcheck.temporary", status.Yellow},
	{"pop3", []string{"[IN-USE]"}, "mailcheck.temporary", status.Yellow},
	{"pop3", []string{"Authentication failure"}, "mailcheck.pop3.auth_failed", status.Red},
	{"pop3", []string{"[AUTH]"}, "mailcheck.pop3.auth_failed", status.Red},
	{"pop3", []string{"Authentication failed"}, "mailcheck.pop3.auth_failed", status.Red},
}

func matchRule(proto, text string) (rule, bool) {
	for _, r := range rules {
		if r.proto != "" && r.proto != proto {
			continue
		}
		ok := true
		for _, h := range r.has {
			if !strings.Contains(text, h) {
				ok = false
				break
			}
		}
		if ok {
			return r, true
		}
	}
	return rule{}, false
}

// authError adds what an error challenge told us to a rejected sign-in.
func (p *probe) authError(err error, x *XOAUTH2) error {
	if x.Challenge != nil && x.Challenge.Scope != "" {
		return &challengeError{err: err, ch: x.Challenge}
	}
	return err
}

type challengeError struct {
	err error
	ch  *ErrorChallenge
}

func (e *challengeError) Error() string { return e.err.Error() }
func (e *challengeError) Unwrap() error { return e.err }

// classify turns any error of a check into a problem with level and fix.
func (p *probe) classify(err error) *status.Problem {
	proto := string(p.t.Protocol)
	host := p.t.addr()
	raw := replyText(err)
	var ie *imap.Error
	var se *smtp.SMTPError
	var pe *pop3Error
	errors.As(err, &ie)
	errors.As(err, &se)
	errors.As(err, &pe)
	detail := redact.String(status.FirstLine(raw))
	mk := func(level status.Level, code string, args ...string) *status.Problem {
		args = append([]string{"host", host, "protocol", strings.ToUpper(proto), "mailbox", p.t.sender(), "login", p.t.User}, args...)
		return status.New(level, code, args...).WithDetail(detail).Wrap(err)
	}
	var ce *challengeError
	if errors.As(err, &ce) {
		scope := ce.ch.Scope
		if i := strings.LastIndexByte(scope, '/'); i >= 0 {
			scope = scope[i+1:]
		}
		// Only a challenge that names a mail permission says what the
		// token lacks; Dovecot, for one, sends the generic scope "mail".
		if strings.Contains(scope, ".AccessAs") || strings.HasPrefix(scope, "SMTP.Send") {
			return mk(status.Red, "mailcheck.token_lacks_scope", "scope", scope)
		}
	}
	if ie != nil || se != nil || pe != nil {
		if r, ok := matchRule(proto, raw); ok {
			return mk(r.level, r.code)
		}
		if se != nil && se.Code >= 400 && se.Code < 500 {
			return mk(status.Yellow, "mailcheck.temporary")
		}
		return mk(status.Red, "mailcheck.rejected")
	}
	switch {
	case errors.Is(err, errNoXOAUTH2):
		return mk(status.Red, "mailcheck.no_xoauth2")
	case errors.Is(err, errNoSTLS), strings.Contains(raw, "doesn't support STARTTLS"):
		return mk(status.Red, "mailcheck.no_starttls")
	}
	// TLS: name the reason in the user's terms.
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var alert tls.AlertError
	switch {
	case errors.As(err, &ua):
		return mk(status.Red, "mailcheck.tls.untrusted")
	case errors.As(err, &hn):
		names := strings.Join(hn.Certificate.DNSNames, ", ")
		for _, ip := range hn.Certificate.IPAddresses {
			names = strings.TrimPrefix(names+", "+ip.String(), ", ")
		}
		return mk(status.Red, "mailcheck.tls.name_mismatch", "names", names)
	case errors.As(err, &ci):
		return mk(status.Red, "mailcheck.tls.invalid")
	case strings.Contains(raw, "protocol version"), errors.As(err, &alert) && alert == 70:
		return mk(status.Red, "mailcheck.tls.old_version")
	}
	// Time ran out, or the network failed.
	if errors.Is(p.ctx.Err(), context.Canceled) && !p.deadlineHit() {
		return mk(status.Yellow, "mailcheck.canceled")
	}
	if p.deadlineHit() || isTimeout(err) {
		if p.answered.Load() {
			return mk(status.Yellow, "mailcheck.stalled", "seconds", itoa(int(p.opt.Timeout.Seconds())))
		}
		return mk(status.Red, "mailcheck.unreachable")
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return mk(status.Red, "mailcheck.dns")
	}
	var op *net.OpError
	if errors.As(err, &op) || strings.Contains(raw, "connection refused") || strings.Contains(raw, "EOF") || strings.Contains(raw, "reset") {
		if !p.answered.Load() {
			return mk(status.Red, "mailcheck.unreachable")
		}
		return mk(status.Yellow, "mailcheck.dropped")
	}
	if strings.HasPrefix(raw, "tls:") || strings.Contains(raw, "x509") {
		return mk(status.Red, "mailcheck.tls.failed")
	}
	return mk(status.Red, "mailcheck.protocol")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// replyText renders a server's reply the way it was on the wire.
func replyText(err error) string {
	var ie *imap.Error
	var se *smtp.SMTPError
	var pe *pop3Error
	switch {
	case errors.As(err, &ie):
		raw := string(ie.Type) + " "
		if ie.Code != "" {
			raw += "[" + string(ie.Code) + "] "
		}
		return raw + ie.Text
	case errors.As(err, &se):
		raw := itoa(se.Code) + " "
		if e := se.EnhancedCode; e != smtp.NoEnhancedCode && e != (smtp.EnhancedCode{}) {
			raw += itoa(e[0]) + "." + itoa(e[1]) + "." + itoa(e[2]) + " "
		}
		return raw + se.Message
	case errors.As(err, &pe):
		return pe.Line
	}
	return err.Error()
}
