package mailcheck

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// smtpReply parses "535 5.7.3 text" the way go-smtp's client does.
func smtpReply(line string) *smtp.SMTPError {
	code, _ := strconv.Atoi(line[:3])
	msg := strings.TrimSpace(line[3:])
	e := &smtp.SMTPError{Code: code, EnhancedCode: smtp.NoEnhancedCode, Message: msg}
	if f := strings.SplitN(msg, " ", 2); len(f) == 2 {
		if p := strings.Split(f[0], "."); len(p) == 3 {
			var enh smtp.EnhancedCode
			ok := true
			for i := range p {
				n, err := strconv.Atoi(p[i])
				ok = ok && err == nil
				enh[i] = n
			}
			if ok {
				e.EnhancedCode, e.Message = enh, f[1]
			}
		}
	}
	return e
}

// imapReply parses "NO [CODE] text".
func imapReply(line string) *imap.Error {
	f := strings.SplitN(line, " ", 2)
	e := &imap.Error{Type: imap.StatusResponseType(f[0])}
	rest := f[1]
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		e.Code = imap.ResponseCode(rest[1:end])
		rest = strings.TrimSpace(rest[end+1:])
	}
	e.Text = rest
	return e
}

// TestEveryFactsFileAnswer: every IMAP, POP3 and SMTP answer our research
// collected from Exchange Online, Dovecot and Postfix (with the mail
// clients' transcripts) gets its problem and light. The level comes from
// the enhanced status code and the text, never from the first digit alone:
// 430 4.2.0 STOREDRV and 421 4.7.66 are 4xx and still configuration faults.
func TestEveryFactsFileAnswer(t *testing.T) {
	R, Y := status.Red, status.Yellow
	cases := []struct {
		proto account.Protocol
		line  string
		code  string
		level status.Level
	}{
		// Exchange Online, IMAP.
		{account.IMAP, "NO AUTHENTICATE failed.", "mailcheck.imap.auth_failed", R},
		{account.IMAP, "BAD User is authenticated but not connected.", "mailcheck.imap.not_connected", R},
		{account.IMAP, "NO [AUTHENTICATIONFAILED] Authentication failed.", "mailcheck.imap.authenticationfailed", R},
		{account.IMAP, "NO [UNAVAILABLE] Server is temporarily unavailable. Please try again later.", "mailcheck.temporary", Y},
		{account.IMAP, "NO [UNAVAILABLE] Internal error occurred. Refer to server log for more information.", "mailcheck.temporary", Y},
		{account.IMAP, "NO [INUSE] Mailbox is locked by another session.", "mailcheck.temporary", Y},
		{account.IMAP, "NO [CANNOT] Invalid mailbox name.", "mailcheck.rejected", R},
		// Exchange Online, POP3.
		{account.POP3, "-ERR Authentication failure: unknown user name or bad password.", "mailcheck.pop3.auth_failed", R},
		{account.POP3, "-ERR [SYS/TEMP] Server is temporarily unavailable.", "mailcheck.temporary", Y},
		{account.POP3, "-ERR [IN-USE] Mailbox is locked by another POP3 session.", "mailcheck.temporary", Y},
		{account.POP3, "-ERR [LOGIN-DELAY] Logged in too recently.", "mailcheck.temporary", Y},
		{account.POP3, "-ERR [AUTH] Authentication failed.", "mailcheck.pop3.auth_failed", R},
		{account.POP3, "-ERR [SYS/PERM] Your account is disabled.", "mailcheck.rejected", R},
		// Exchange Online, SMTP.
		{account.SMTP, "535 5.7.3 Authentication unsuccessful [SN4PR0201CA0048.namprd02.prod.outlook.com]", "mailcheck.smtp.auth_failed", R},
		{account.SMTP, "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.", "mailcheck.smtp.auth_disabled_tenant", R},
		{account.SMTP, "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.", "mailcheck.smtp.auth_disabled_mailbox", R},
		{account.SMTP, "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.", "mailcheck.smtp.basic_disabled", R},
		{account.SMTP, "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.", "mailcheck.smtp.auth_failed", R},
		{account.SMTP, "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.", "mailcheck.smtp.conditional_access", R},
		{account.SMTP, "530 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful", "mailcheck.smtp.not_authenticated", R},
		{account.SMTP, "530 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM", "mailcheck.smtp.not_authenticated", R},
		{account.SMTP, "550 5.7.60 SMTP; Client does not have permissions to send as this sender", "mailcheck.smtp.send_as", R},
		{account.SMTP, "554 5.2.252 SendAsDenied; anna@contoso.com not allowed to send as info@contoso.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied", "mailcheck.smtp.send_as_denied", R},
		{account.SMTP, "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception", "mailcheck.smtp.send_as_denied", R},
		{account.SMTP, "430 4.2.0 STOREDRV; mailbox logon failure; Cannot open mailbox /o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=info. Failure: MapiExceptionLogonFailed: 80040111", "mailcheck.smtp.storedrv", R},
		{account.SMTP, "550 5.1.8 Bad outbound sender", "mailcheck.smtp.bad_sender", R},
		{account.SMTP, "421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2. Visit https://aka.ms/smtp_auth_tls.", "mailcheck.smtp.tls_old", R},
		{account.SMTP, "550 5.7.30 Basic authentication is not supported for Client Submission.", "mailcheck.smtp.basic_disabled", R},
		{account.SMTP, "501 5.5.127 Invalid XOAUTH2 auth data - Token will expire soon", "mailcheck.smtp.token_expiring", Y},
		{account.SMTP, "451 4.7.0 Temporary server error. Please try again later. PRX4", "mailcheck.temporary", Y},
		{account.SMTP, "451 4.3.2 Temporary server error. Please try again later", "mailcheck.temporary", Y},
		{account.SMTP, "454 4.7.0 Temporary authentication failure", "mailcheck.temporary", Y},
		{account.SMTP, "421 4.3.2 Service not available, closing transmission channel", "mailcheck.temporary", Y},
		{account.SMTP, "452 4.3.1 Insufficient system resources", "mailcheck.temporary", Y},
		// Postfix (with Dovecot SASL).
		{account.SMTP, "553 5.7.1 <info@example.test>: Sender address rejected: not owned by user anna@example.test", "mailcheck.smtp.sender_not_owned", R},
		{account.SMTP, "535 5.7.8 Error: authentication failed: Invalid base64 data in initial response", "mailcheck.smtp.auth_failed", R},
		{account.SMTP, "535 5.7.8 Error: authentication failed: authentication failure", "mailcheck.smtp.auth_failed", R},
		{account.SMTP, "454 4.7.0 Temporary authentication failure: Connection lost to authentication server", "mailcheck.temporary", Y},
		{account.SMTP, "554 5.7.1 <x@y>: Relay access denied", "mailcheck.rejected", R},
		// The enhanced code outranks the first digit, both ways.
		{account.SMTP, "450 5.7.1 Inconsistent but permanent", "mailcheck.rejected", R},
		{account.SMTP, "550 4.4.7 Inconsistent but transient", "mailcheck.temporary", Y},
		{account.SMTP, "421 Service shutting down", "mailcheck.temporary", Y},
	}
	for _, c := range cases {
		var err error
		switch c.proto {
		case account.SMTP:
			err = smtpReply(c.line)
		case account.IMAP:
			err = imapReply(c.line)
		default:
			err = &pop3Error{Line: c.line}
		}
		p, cancel := newProbe(context.Background(), Target{Account: "a", Protocol: c.proto, Server: account.Server{Host: "h", Port: 1}, User: "anna@contoso.com", From: "info@contoso.com"}, Options{})
		pr := p.classify(err)
		cancel()
		if pr.Code != c.code || pr.Level != c.level {
			t.Errorf("%s %q: %s %s, want %s %s", c.proto, c.line, pr.Code, pr.Level, c.code, c.level)
			continue
		}
		if !strings.Contains(pr.Detail, c.line[:min(len(c.line), 20)]) {
			t.Errorf("%q: raw answer not in the detail %q", c.line, pr.Detail)
		}
		for _, l := range i18n.Langs {
			if m, f := pr.Message(l), pr.Fix(l); m == "" || f == "" || strings.Contains(m+f, "{") {
				t.Errorf("%q: %s text %q / %q", c.line, l, m, f)
			}
			if c.level == Y && c.code == "mailcheck.temporary" && !strings.Contains(strings.ToLower(pr.Message(l)), map[i18n.Lang]string{i18n.EN: "temporar", i18n.DE: "vorübergehend"}[l]) {
				t.Errorf("%q: %s message does not say temporary: %q", c.line, l, pr.Message(l))
			}
		}
	}
}
