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

// rule maps a server reply to a problem code and level. SMTP replies are
// matched by their enhanced status code (RFC 3463), exactly, and text;
// IMAP and POP3 replies by text (their bracketed response codes included).
type rule struct {
	proto string // "" for any
	smtp  int    // basic SMTP code, 0 for any
	enh   string // enhanced status code "5.7.3", "" for any
	has   []string
	code  string
	level status.Level
}

// rules are checked in order; the Exchange Online texts come first, the
// generic ones last.
var rules = []rule{
	// 530 5.7.57 quotes the 535 5.7.139 it follows; its own code decides.
	{proto: "smtp", enh: "5.7.57", code: "mailcheck.smtp.not_authenticated", level: status.Red},
	{proto: "smtp", enh: "5.7.139", has: []string{"disabled for the Tenant"}, code: "mailcheck.smtp.auth_disabled_tenant", level: status.Red},
	{proto: "smtp", enh: "5.7.139", has: []string{"disabled for the Mailbox"}, code: "mailcheck.smtp.auth_disabled_mailbox", level: status.Red},
	{proto: "smtp", enh: "5.7.139", has: []string{"SmtpClientAuthentication is disabled"}, code: "mailcheck.smtp.auth_disabled_tenant", level: status.Red},
	{proto: "smtp", enh: "5.7.139", has: []string{"basic authentication is disabled"}, code: "mailcheck.smtp.basic_disabled", level: status.Red},
	{proto: "smtp", enh: "5.7.139", has: []string{"did not meet the criteria"}, code: "mailcheck.smtp.conditional_access", level: status.Red},
	{proto: "smtp", enh: "5.7.139", code: "mailcheck.smtp.auth_failed", level: status.Red},
	{proto: "smtp", enh: "5.7.60", code: "mailcheck.smtp.send_as", level: status.Red},
	{proto: "smtp", has: []string{"SendAsDenied"}, code: "mailcheck.smtp.send_as_denied", level: status.Red},
	{proto: "smtp", enh: "5.2.252", code: "mailcheck.smtp.send_as_denied", level: status.Red},
	// Postfix with reject_sender_login_mismatch: the login does not own
	// the sender in smtpd_sender_login_maps.
	{proto: "smtp", enh: "5.7.1", has: []string{"not owned by user"}, code: "mailcheck.smtp.sender_not_owned", level: status.Red},
	// 430 4.2.0 is a 4xx, but STOREDRV logon failure is a missing mailbox
	// permission of an app, which no retry fixes.
	{proto: "smtp", enh: "4.2.0", has: []string{"STOREDRV", "logon failure"}, code: "mailcheck.smtp.storedrv", level: status.Red},
	{proto: "smtp", has: []string{"STOREDRV", "logon failure"}, code: "mailcheck.smtp.storedrv", level: status.Red},
	// 421 4.7.66: a TLS 1.0/1.1 session, refused for good.
	{proto: "smtp", enh: "4.7.66", code: "mailcheck.smtp.tls_old", level: status.Red},
	{proto: "smtp", enh: "5.7.30", code: "mailcheck.smtp.basic_disabled", level: status.Red},
	// Exchange's High Volume Email refuses a token about to expire; the next
	// check brings a fresh one.
	{proto: "smtp", enh: "5.5.127", has: []string{"expire"}, code: "mailcheck.smtp.token_expiring", level: status.Yellow},
	{proto: "smtp", enh: "5.7.3", code: "mailcheck.smtp.auth_failed", level: status.Red},
	{proto: "smtp", smtp: 535, code: "mailcheck.smtp.auth_failed", level: status.Red},
	{proto: "smtp", enh: "5.1.8", code: "mailcheck.smtp.bad_sender", level: status.Red},
	{proto: "imap", has: []string{"User is authenticated but not connected"}, code: "mailcheck.imap.not_connected", level: status.Red},
	{proto: "imap", has: []string{"[AUTHENTICATIONFAILED]"}, code: "mailcheck.imap.authenticationfailed", level: status.Red},
	{proto: "imap", has: []string{"AUTHENTICATE failed"}, code: "mailcheck.imap.auth_failed", level: status.Red},
	{proto: "pop3", has: []string{"[AUTH]"}, code: "mailcheck.pop3.auth_failed", level: status.Red},
	{proto: "pop3", has: []string{"Authentication failure"}, code: "mailcheck.pop3.auth_failed", level: status.Red},
	{proto: "pop3", has: []string{"Authentication failed"}, code: "mailcheck.pop3.auth_failed", level: status.Red},
}

// reply is a server's answer as the rules see it.
type reply struct {
	proto string
	smtp  int    // basic SMTP code
	enh   string // enhanced status code, "" if none
	text  string // the whole reply as on the wire
}

func replyOf(proto string, err error) reply {
	r := reply{proto: proto, text: replyText(err)}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		r.smtp = se.Code
		if e := se.EnhancedCode; e != smtp.NoEnhancedCode && e != (smtp.EnhancedCode{}) {
			r.enh = itoa(e[0]) + "." + itoa(e[1]) + "." + itoa(e[2])
		}
	}
	return r
}

func matchRule(rp reply) (rule, bool) {
	for _, r := range rules {
		if r.proto != "" && r.proto != rp.proto || r.smtp != 0 && r.smtp != rp.smtp || r.enh != "" && r.enh != rp.enh {
			continue
		}
		ok := true
		for _, h := range r.has {
			if !strings.Contains(rp.text, h) {
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

// transientCodes are the bracketed response codes of IMAP (RFC 5530) and
// POP3 (RFC 2449, RFC 3206) that mean "not now, later".
var transientCodes = []string{"[UNAVAILABLE]", "[INUSE]", "[LIMIT]", "[SYS/TEMP]", "[IN-USE]", "[LOGIN-DELAY]"}

// temporaryWords are what servers write when they mean "try again".
var temporaryWords = []string{"temporar", "try again", "busy", "unavailable", "not available", "overload", "throttl", "too many"}

// temporary decides a reply no rule knows. SMTP's enhanced status code
// decides when there is one: class 4 is a transient failure, class 5 a
// permanent one (RFC 3463) — whatever the basic code's first digit says.
// Without one, the text, then the basic code. IMAP and POP3 have no
// numbers: their response codes and text decide.
func (rp reply) temporary() bool {
	if rp.enh != "" {
		return rp.enh[0] == '4'
	}
	for _, c := range transientCodes {
		if strings.Contains(rp.text, c) {
			return true
		}
	}
	lower := strings.ToLower(rp.text)
	for _, w := range temporaryWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return rp.smtp >= 400 && rp.smtp < 500
}

// classifyReply turns a refusal of the server into a problem code and level:
// the one place that reads IMAP, POP3 and SMTP answers.
func classifyReply(rp reply) (string, status.Level) {
	if r, ok := matchRule(rp); ok {
		return r.code, r.level
	}
	if rp.temporary() {
		return "mailcheck.temporary", status.Yellow
	}
	return "mailcheck.rejected", status.Red
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
		args = append([]string{"host", host, "protocol", strings.ToUpper(proto), "mailbox", p.t.sender(), "login", p.t.User, "delegate", p.t.delegate()}, args...)
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
		code, level := classifyReply(replyOf(proto, err))
		return mk(level, code)
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
	// A name that does not resolve is said to be one, also when the lookup
	// used up the time: it is no closed port and no silent server.
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return mk(status.Red, "mailcheck.dns", "name", dns.Name)
	}
	if p.deadlineHit() || isTimeout(err) {
		if p.answered.Load() {
			return mk(status.Yellow, "mailcheck.stalled", "seconds", itoa(int(p.opt.Timeout.Seconds())))
		}
		return mk(status.Red, "mailcheck.unreachable")
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
