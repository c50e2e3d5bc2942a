package mailserver

import (
	"bytes"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailoauth/core/account"
)

const smtpHost = "SANDBOX.mailoauth.local"

func smtpErr(code int, enh smtp.EnhancedCode, msg string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: msg}
}

type smtpSession struct {
	s        *Server
	c        *wconn
	fault    Fault
	authed   bool
	user     string
	p        Principal
	noAccess bool
	from     string
	to       []string
}

func (x *smtpSession) AuthMechanisms() []string { return []string{"LOGIN", "XOAUTH2"} }

func (x *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != "XOAUTH2" {
		return nil, smtpErr(535, smtp.EnhancedCode{5, 7, 139}, "Authentication unsuccessful, basic authentication is disabled. ["+smtpHost+"]")
	}
	return &xoauth2Server{s: x.s, proto: "smtp", fault: x.fault, scope: account.GlobalCloud().Scope("SMTP.Send"),
		finish: func(o outcome, user string, p Principal) error {
			switch o {
			case authOK, authNoMailbox:
				x.authed, x.user, x.p, x.noAccess = true, strings.ToLower(user), p, o == authNoMailbox
				if x.fault == FaultStallAfterAuth {
					x.c.stallAfter(1)
				}
				return nil
			case authTemp:
				return smtpErr(451, smtp.EnhancedCode{4, 3, 2}, "Temporary server error. Please try again later")
			case authTempAuth:
				return smtpErr(454, smtp.EnhancedCode{4, 7, 0}, "Temporary authentication failure")
			case authCondAccess:
				return smtpErr(535, smtp.EnhancedCode{5, 7, 139}, "Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator. ["+smtpHost+"]")
			case authSMTPTenant:
				return smtpErr(535, smtp.EnhancedCode{5, 7, 139}, "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. ["+smtpHost+"]")
			case authSMTPMailbox:
				return smtpErr(535, smtp.EnhancedCode{5, 7, 139}, "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. ["+smtpHost+"]")
			case authBasicDisabled:
				return smtpErr(535, smtp.EnhancedCode{5, 7, 139}, "Authentication unsuccessful, basic authentication is disabled. ["+smtpHost+"]")
			}
			return smtpErr(535, smtp.EnhancedCode{5, 7, 3}, "Authentication unsuccessful ["+smtpHost+"]")
		}}, nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !x.authed || x.fault == FaultNotAuthenticated {
		return smtpErr(530, smtp.EnhancedCode{5, 7, 57}, "Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful ["+smtpHost+"]")
	}
	switch {
	case x.fault == FaultStoreDrv || (x.noAccess && x.p.AppOnly):
		return smtpErr(430, smtp.EnhancedCode{4, 2, 0}, "STOREDRV; mailbox logon failure; Cannot open mailbox /o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn="+x.user+". Failure: MapiExceptionLogonFailed: 80040111")
	case x.fault == FaultSendAs560 || !x.canSendAs(from):
		// Exchange checks Send As on the envelope sender right here.
		return smtpErr(550, smtp.EnhancedCode{5, 7, 60}, "SMTP; Client does not have permissions to send as this sender")
	}
	x.from = strings.ToLower(from)
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

// canSendAs: the signed-in user is the sender, or holds Send As on it.
func (x *smtpSession) canSendAs(from string) bool {
	if x.noAccess {
		return false
	}
	from = strings.ToLower(from)
	if from == x.user {
		return true
	}
	who := strings.ToLower(x.p.User)
	if x.p.AppOnly {
		who = strings.ToLower(x.p.AppID)
	}
	return x.s.maySendAs(who, from)
}

func (x *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, 10<<20))
	if err != nil {
		return err
	}
	// The From header is checked again at submission (554 5.2.252), so a
	// permitted envelope cannot carry someone else's From.
	headerFrom := x.from
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		if a, err := mail.ParseAddress(msg.Header.Get("From")); err == nil {
			headerFrom = a.Address
		}
	}
	if x.fault == FaultSendAsDenied || !x.canSendAs(headerFrom) {
		return smtpErr(554, smtp.EnhancedCode{5, 2, 252}, "SendAsDenied; "+x.user+" not allowed to send as "+headerFrom+"; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message.")
	}
	m := Message{From: x.from, To: append([]string(nil), x.to...), Raw: raw}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Subject = msg.Header.Get("Subject")
		if d, err := new(mime.WordDecoder).DecodeHeader(m.Subject); err == nil {
			m.Subject = d
		}
		body, _ := io.ReadAll(msg.Body)
		m.Body = string(body)
	}
	x.s.deliver(m)
	return nil
}

func (x *smtpSession) Reset()        { x.from, x.to = "", nil }
func (x *smtpSession) Logout() error { return nil }

func (s *Server) serveSMTP() {
	s.accept(s.lnS, "smtp", false, func(c *wconn) {
		f := s.fault("smtp")
		be := smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
			return &smtpSession{s: s, c: c, fault: f}, nil
		})
		srv := smtp.NewServer(be)
		srv.Domain = smtpHost
		tlsCfg := s.tlsFor(f)
		srv.TLSConfig = tlsCfg
		// Exchange takes a whole JWT on the AUTH line; go-smtp's default
		// 2000 would cut it.
		srv.MaxLineLength = 16 << 10
		srv.ReadTimeout = 5 * time.Minute
		srv.ErrorLog = discardLogger{}
		if f == FaultOldTLS {
			// Exchange refuses a TLS 1.0/1.1 session at the first command.
			srv.TLSConfig = nil
			c.Write([]byte("421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2. Visit https://aka.ms/smtp_auth_tls. [" + smtpHost + "]\r\n"))
			return
		}
		srv.Serve(&oneConnListener{c: c, done: make(chan struct{})})
	})
}
