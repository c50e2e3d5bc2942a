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
	// The greeting often carries the capabilities already (Dovecot's
	// does); Caps asks only when it did not (Exchange's).
	var caps imap.CapSet
	if err := p.step("capability", func() (string, error) {
		if caps = c.Caps(); caps == nil {
			// Caps swallows the error of a connection that broke; ask
			// again to have it.
			var err error
			if caps, err = c.Capability().Wait(); err != nil {
				return "", err
			}
		}
		var names []string
		for k := range caps {
			names = append(names, string(k))
		}
		return strings.Join(names, " "), nil
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
	// SELECT and LIST go out together (IMAP pipelines tagged commands);
	// one round trip answers both. The sent folder matters to products that
	// file their sent mail and ask for its name (in a German mailbox
	// "Gesendete Elemente"); not finding it is not a failure.
	sel := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true})
	list := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true})
	if err := p.step("select", func() (string, error) {
		d, err := sel.Wait()
		if err != nil {
			return "", err
		}
		p.res.Info["uidvalidity"] = fmt.Sprint(d.UIDValidity)
		p.res.Info["messages"] = fmt.Sprint(d.NumMessages)
		return fmt.Sprintf("OK INBOX: %d messages, UIDVALIDITY %d", d.NumMessages, d.UIDValidity), nil
	}); err != nil {
		return err
	}
	p.step("list", func() (string, error) {
		folders, err := list.Collect()
		if err != nil {
			return "", err
		}
		for _, m := range folders {
			for _, a := range m.Attrs {
				if a == imap.MailboxAttrSent {
					p.res.Info["sent_folder"] = m.Mailbox
				}
			}
		}
		return fmt.Sprintf("%d folders, sent folder %q", len(folders), p.res.Info["sent_folder"]), nil
	})
	p.goodbye(func() { c.Logout() })
	return nil
}
