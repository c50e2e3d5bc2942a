package mailcheck

import (
	"fmt"
	"net"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"mailoauth/core/account"
)

// checkIMAP: (TLS,) greeting, (STARTTLS,) AUTHENTICATE XOAUTH2, SELECT
// INBOX — green only when SELECT worked — then LIST to find the \Sent folder.
func (p *probe) checkIMAP(token string) error {
	if err := p.dial(); err != nil {
		return err
	}
	var conn net.Conn = p.conn
	opts := &imapclient.Options{TLSConfig: p.tlsConfig(), DebugWriter: p.transcript()}
	var c *imapclient.Client
	if p.t.Server.Security == account.TLS {
		tc, err := p.handshake(conn)
		if err != nil {
			return err
		}
		c = imapclient.New(p.watch(tc), opts)
		if err := p.step("greeting", func() (string, error) { return "", c.WaitGreeting() }); err != nil {
			return err
		}
	} else {
		err := p.step("starttls", func() (string, error) {
			var err error
			c, err = imapclient.NewStartTLS(p.watch(conn), opts)
			return "", err
		})
		if err != nil {
			return err
		}
	}
	defer c.Close()
	var caps imap.CapSet
	if err := p.step("capability", func() (string, error) {
		var err error
		caps, err = c.Capability().Wait()
		var names []string
		for k := range caps {
			names = append(names, string(k))
		}
		return strings.Join(names, " "), err
	}); err != nil {
		return err
	}
	if !caps.Has("AUTH=XOAUTH2") {
		return errNoXOAUTH2
	}
	x := &XOAUTH2{User: p.t.User, Token: token}
	if err := p.step("authenticate", func() (string, error) {
		err := c.Authenticate(x)
		if err == nil {
			return "OK AUTHENTICATE completed", nil
		}
		return "", err
	}); err != nil {
		return p.authError(err, x)
	}
	if err := p.step("select", func() (string, error) {
		d, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return "", err
		}
		p.res.Info["uidvalidity"] = fmt.Sprint(d.UIDValidity)
		p.res.Info["messages"] = fmt.Sprint(d.NumMessages)
		return fmt.Sprintf("OK INBOX: %d messages, UIDVALIDITY %d", d.NumMessages, d.UIDValidity), nil
	}); err != nil {
		return err
	}
	// The sent folder matters to products that file their sent mail and ask
	// for its name (in a German mailbox "Gesendete Elemente"); not finding
	// it is not a failure.
	p.step("list", func() (string, error) {
		list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
		if err != nil {
			return "", err
		}
		for _, m := range list {
			for _, a := range m.Attrs {
				if a == imap.MailboxAttrSent {
					p.res.Info["sent_folder"] = m.Mailbox
				}
			}
		}
		return fmt.Sprintf("%d folders, sent folder %q", len(list), p.res.Info["sent_folder"]), nil
	})
	p.step("logout", func() (string, error) { return "", c.Logout().Wait() })
	return nil
}
