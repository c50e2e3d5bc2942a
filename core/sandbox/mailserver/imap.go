package mailserver

import (
	"bytes"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"

	"mailoauth/core/account"
)

const sentFolder, draftsFolder = "Gesendete Elemente", "Entwürfe"

// imapMem holds the mailboxes; each has INBOX, a sent folder with the German
// name Exchange gives it in a German mailbox ("Gesendete Elemente", which
// products such as HELIUM 5 must be told) and drafts.
type imapMem struct {
	mu    sync.Mutex
	users map[string]*imapmemserver.User
}

func newIMAPMem() *imapMem { return &imapMem{users: map[string]*imapmemserver.User{}} }

func (m *imapMem) user(name string) *imapmemserver.User {
	name = strings.ToLower(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[name]
	if !ok {
		// No password: only XOAUTH2 gets in.
		u = imapmemserver.NewUser(name, "")
		for _, mb := range []string{"INBOX", sentFolder, draftsFolder} {
			u.Create(mb, nil)
		}
		m.users[name] = u
	}
	return u
}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return int64(l.Len()) }

func (m *imapMem) deliver(mailbox string, raw []byte) {
	m.user(mailbox).Append("INBOX", literal{bytes.NewReader(raw)}, &imap.AppendOptions{})
}

type imapSession struct {
	*imapmemserver.UserSession // nil until signed in
	s                          *Server
	c                          *wconn
	fault                      Fault
	notConnected               bool
}

var _ imapserver.SessionSASL = (*imapSession)(nil)

func (x *imapSession) Close() error {
	if x.UserSession != nil {
		return x.UserSession.Close()
	}
	return nil
}

func (x *imapSession) Login(string, string) error {
	return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "LOGIN failed."}
}

func (x *imapSession) AuthenticateMechanisms() []string { return []string{"PLAIN", "XOAUTH2"} }

func (x *imapSession) Authenticate(mech string) (sasl.Server, error) {
	if mech != "XOAUTH2" {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "AUTHENTICATE failed."}
	}
	return &xoauth2Server{s: x.s, proto: "imap", fault: x.fault, scope: account.GlobalCloud().Scope("IMAP.AccessAsUser.All"),
		finish: func(o outcome, user string, p Principal) error {
			switch o {
			case authOK, authNoMailbox:
				x.UserSession = imapmemserver.NewUserSession(x.s.imap.user(user))
				// Exchange lets the sign-in pass and refuses the mailbox.
				x.notConnected = o == authNoMailbox || x.fault == FaultNotConnected
				if x.fault == FaultStallAfterAuth {
					x.c.stallAfter(1)
				}
				return nil
			case authTemp, authTempAuth:
				return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "Server busy, try again later."}
			}
			if x.fault == FaultAuthenticationFailedCode {
				return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "Invalid credentials"}
			}
			return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "AUTHENTICATE failed."}
		}}, nil
}

var errNotConnected = &imap.Error{Type: imap.StatusResponseTypeBad, Text: "User is authenticated but not connected."}

func (x *imapSession) Select(name string, o *imap.SelectOptions) (*imap.SelectData, error) {
	if x.notConnected {
		return nil, errNotConnected
	}
	return x.UserSession.Select(name, o)
}

func (x *imapSession) Status(name string, o *imap.StatusOptions) (*imap.StatusData, error) {
	if x.notConnected {
		return nil, errNotConnected
	}
	return x.UserSession.Status(name, o)
}

// List is written out by hand: imapmemserver cannot mark a folder \Sent.
func (x *imapSession) List(w *imapserver.ListWriter, ref string, patterns []string, o *imap.ListOptions) error {
	if x.notConnected {
		return errNotConnected
	}
	boxes := []struct {
		name string
		use  imap.MailboxAttr
	}{{"INBOX", ""}, {sentFolder, imap.MailboxAttrSent}, {draftsFolder, imap.MailboxAttrDrafts}}
	for _, b := range boxes {
		match := false
		for _, p := range patterns {
			if p == "*" || p == "%" || strings.EqualFold(p, b.name) {
				match = true
			}
		}
		if !match {
			continue
		}
		if o != nil && o.SelectSpecialUse && b.use == "" {
			continue
		}
		d := &imap.ListData{Mailbox: b.name, Delim: '/', Attrs: []imap.MailboxAttr{imap.MailboxAttrHasNoChildren}}
		if b.use != "" {
			d.Attrs = append(d.Attrs, b.use)
		}
		if err := w.WriteList(d); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) serveIMAP() {
	s.accept(s.lnI, "imap", true, func(c *wconn) {
		f := s.fault("imap")
		srv := imapserver.New(&imapserver.Options{
			NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
				return &imapSession{s: s, c: c, fault: f}, nil, nil
			},
			Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapSpecialUse: {}, imap.CapListExtended: {}},
			InsecureAuth: true, // the connection is TLS already (implicit)
			Logger:       discardLogger{},
		})
		ln := &oneConnListener{c: c, done: make(chan struct{})}
		srv.Serve(ln)
	})
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}
