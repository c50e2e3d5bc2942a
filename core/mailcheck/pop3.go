package mailcheck

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"

	"mailoauth/core/account"
)

// pop3Error is a -ERR reply.
type pop3Error struct{ Line string }

func (e *pop3Error) Error() string { return e.Line }

// pop3Conn is the small POP3 client Exchange needs: no Go POP3 library speaks
// XOAUTH2, and Exchange wants it in two steps (AUTH XOAUTH2, "+", blob).
type pop3Conn struct {
	tp  *textproto.Conn
	log io.Writer
}

func newPOP3(c net.Conn, log io.Writer) *pop3Conn {
	return &pop3Conn{tp: textproto.NewConn(c), log: log}
}

func (c *pop3Conn) trace(dir, line string) {
	if c.log != nil {
		fmt.Fprintf(c.log, "pop3 %s %s\n", dir, line)
	}
}

func (c *pop3Conn) readLine() (string, error) {
	l, err := c.tp.ReadLine()
	if err == nil {
		c.trace("S:", l)
	}
	return l, err
}

// reply reads one status line: +OK, "+ " (continuation) or -ERR.
func (c *pop3Conn) reply() (string, error) {
	l, err := c.readLine()
	if err != nil {
		return "", err
	}
	switch {
	case strings.HasPrefix(l, "+OK"), strings.HasPrefix(l, "+"):
		return l, nil
	case strings.HasPrefix(l, "-ERR"):
		return l, &pop3Error{Line: l}
	}
	return l, fmt.Errorf("unexpected POP3 reply %q", l)
}

func (c *pop3Conn) cmd(line string) (string, error) {
	c.trace("C:", line)
	if err := c.tp.PrintfLine("%s", line); err != nil {
		return "", err
	}
	return c.reply()
}

// multiline reads the lines after +OK up to the lone ".".
func (c *pop3Conn) multiline() ([]string, error) {
	var out []string
	for {
		l, err := c.readLine()
		if err != nil {
			return out, err
		}
		if l == "." {
			return out, nil
		}
		out = append(out, strings.TrimPrefix(l, "."))
	}
}

var errNoXOAUTH2 = errors.New("the server does not offer XOAUTH2")
var errNoSTLS = errors.New("the server does not offer STARTTLS")

// checkPOP3: (TLS,) greeting, CAPA, (STLS,) AUTH XOAUTH2 in two steps, STAT.
func (p *probe) checkPOP3(token string) error {
	if err := p.dial(); err != nil {
		return err
	}
	var conn net.Conn = p.conn
	if p.t.Server.Security == account.TLS {
		tc, err := p.handshake(conn)
		if err != nil {
			return err
		}
		conn = tc
	}
	c := newPOP3(p.watch(conn), p.transcript())
	if err := p.step("greeting", func() (string, error) { return c.reply() }); err != nil {
		return err
	}
	var capa []string
	readCapa := func() error {
		return p.step("capa", func() (string, error) {
			l, err := c.cmd("CAPA")
			if err != nil {
				return l, err
			}
			capa, err = c.multiline()
			return strings.Join(capa, " "), err
		})
	}
	if err := readCapa(); err != nil {
		return err
	}
	if p.t.Server.Security == account.STARTTLS {
		if !hasLine(capa, "STLS") {
			return errNoSTLS
		}
		if err := p.step("stls", func() (string, error) { return c.cmd("STLS") }); err != nil {
			return err
		}
		tc, err := p.handshake(conn)
		if err != nil {
			return err
		}
		c = newPOP3(tc, p.transcript())
		if err := readCapa(); err != nil {
			return err
		}
	}
	if !saslHas(capa, "XOAUTH2") {
		return errNoXOAUTH2
	}
	x := &XOAUTH2{User: p.t.User, Token: token}
	err := p.step("authenticate", func() (string, error) {
		l, err := c.cmd("AUTH XOAUTH2")
		if err != nil {
			return l, err
		}
		c.trace("C:", "[credentials]")
		_, blob, _ := x.Start()
		if err := c.tp.PrintfLine("%s", base64.StdEncoding.EncodeToString(blob)); err != nil {
			return "", err
		}
		l, err = c.reply()
		if err == nil && strings.HasPrefix(l, "+ ") && !strings.HasPrefix(l, "+OK") {
			// An error challenge: record it, answer empty, take the verdict.
			ch, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(l[1:]))
			x.Next(ch)
			c.tp.PrintfLine("")
			l, err = c.reply()
		}
		return l, err
	})
	if err != nil {
		return p.authError(err, x)
	}
	if err := p.step("stat", func() (string, error) {
		l, err := c.cmd("STAT")
		if err == nil {
			if f := strings.Fields(l); len(f) >= 2 {
				p.res.Info["messages"] = f[1]
			}
		}
		return l, err
	}); err != nil {
		return err
	}
	p.goodbye(func() { c.cmd("QUIT") })
	return nil
}

func hasLine(lines []string, word string) bool {
	for _, l := range lines {
		if strings.EqualFold(strings.TrimSpace(l), word) {
			return true
		}
	}
	return false
}

func saslHas(capa []string, mech string) bool {
	r := bufio.NewScanner(strings.NewReader(strings.Join(capa, "\n")))
	for r.Scan() {
		f := strings.Fields(strings.ToUpper(r.Text()))
		if len(f) > 1 && f[0] == "SASL" {
			for _, m := range f[1:] {
				if m == mech {
					return true
				}
			}
		}
	}
	return false
}
