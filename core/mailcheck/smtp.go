package mailcheck

import (
	"strings"

	"github.com/emersion/go-smtp"

	"mailoauth/core/account"
)

const heloName = "mailoauth.localhost"

// smtpSession signs in and returns a client ready for MAIL FROM. Exchange
// takes the token on the AUTH line; Postfix (default line_length_limit 2048)
// cuts such a line, answers "535 5.7.8 Invalid base64" and loses track of the
// session. Then we start over on a new connection and send the credentials
// on a line of their own.
func (p *probe) smtpSession(token string) (*smtp.Client, error) {
	c, err := p.smtpAttempt(token, false)
	if err != nil && p.ctx.Err() == nil && longAuthLine(p.t.User, token) && lineTooLong(err) {
		if p.conn != nil {
			p.conn.Close()
		}
		c2, err2 := p.smtpAttempt(token, true)
		if err2 != nil && p.ctx.Err() != nil {
			// The second try ran out of time: the first answer says more.
			return nil, err
		}
		return c2, err2
	}
	return c, err
}

// longAuthLine: would "AUTH XOAUTH2 <initial response>" exceed Postfix's
// default 2048-byte line?
func longAuthLine(user, token string) bool {
	return len("AUTH XOAUTH2 ")+(len(user)+len(token)+20)*4/3 > 2000
}

func (p *probe) smtpAttempt(token string, noIR bool) (*smtp.Client, error) {
	if err := p.dial(); err != nil {
		return nil, err
	}
	var c *smtp.Client
	if p.t.Server.Security == account.TLS {
		tc, err := p.handshake(p.conn)
		if err != nil {
			return nil, err
		}
		c = smtp.NewClient(p.watch(tc))
		c.DebugWriter = p.transcript()
		c.CommandTimeout = p.opt.Timeout
		if err := p.step("ehlo", func() (string, error) { return "", c.Hello(heloName) }); err != nil {
			return nil, err
		}
	} else {
		// Greeting, EHLO and STARTTLS in one go; go-smtp refuses to go on
		// when the server offers no STARTTLS, so the token never travels in
		// clear text.
		err := p.step("starttls", func() (string, error) {
			var err error
			c, err = smtp.NewClientStartTLS(p.watch(p.conn), p.tlsConfig())
			return "", err
		})
		if err != nil {
			return nil, err
		}
		c.DebugWriter = p.transcript()
		c.CommandTimeout = p.opt.Timeout
	}
	// AUTH is only advertised after STARTTLS; the EHLO after TLS happens
	// inside the next command.
	x := &XOAUTH2{User: p.t.User, Token: token, NoIR: noIR}
	err := p.step("authenticate", func() (string, error) {
		err := c.Auth(x)
		if err == nil {
			return "235 Authentication successful", nil
		}
		return "", err
	})
	if err != nil {
		c.Close()
		return nil, p.authError(err, x)
	}
	return c, nil
}

func lineTooLong(err error) bool {
	s := replyText(err)
	return strings.Contains(s, "Invalid base64") || strings.Contains(s, "line too long") || strings.Contains(s, "EOF")
}

// checkSMTP: EHLO, STARTTLS, AUTH XOAUTH2, MAIL FROM — green only when
// MAIL FROM was accepted (send-as problems show there). No RSET: QUIT ends
// the transaction, and nothing waits for QUIT's answer.
func (p *probe) checkSMTP(token string) error {
	c, err := p.smtpSession(token)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := p.step("mail_from", func() (string, error) {
		if err := c.Mail(p.t.sender(), nil); err != nil {
			return "", err
		}
		return "250 Sender OK", nil
	}); err != nil {
		return err
	}
	p.goodbye(func() { c.Quit() })
	return nil
}

// sendTest submits the test mail.
func (p *probe) sendTest(token, to string, msg []byte) error {
	c, err := p.smtpSession(token)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := p.step("mail_from", func() (string, error) { return "250 Sender OK", c.Mail(p.t.sender(), nil) }); err != nil {
		return err
	}
	if err := p.step("rcpt_to", func() (string, error) { return "250 Recipient OK", c.Rcpt(to, nil) }); err != nil {
		return err
	}
	if err := p.step("data", func() (string, error) {
		w, err := c.Data()
		if err != nil {
			return "", err
		}
		if _, err := w.Write(msg); err != nil {
			w.Close()
			return "", err
		}
		if err := w.Close(); err != nil {
			return "", err
		}
		return "250 Queued mail for delivery", nil
	}); err != nil {
		return err
	}
	p.goodbye(func() { c.Quit() })
	return nil
}
