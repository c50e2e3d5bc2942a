// Package mailserver runs IMAP, POP3 and SMTP servers on loopback that
// accept XOAUTH2 with the sandbox identity platform's tokens and answer like
// Exchange Online — including, on request, each of Exchange's error replies —
// and deliver sent mail into mailboxes that IMAP and POP3 then show.
package mailserver

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"time"
)

// Principal is who an access token speaks for.
type Principal struct {
	User    string
	Scopes  []string
	Roles   []string
	AppOnly bool
	AppID   string
}

// Validator checks an access token (the identity platform's Validate).
type Validator func(token string) (Principal, error)

// Options configure the servers.
type Options struct {
	TLS        *tls.Config // server certificate
	Validate   Validator
	Host       string        // default 127.0.0.1
	ReplyDelay time.Duration // slept before every reply (benchmarks)
	Domains    []string      // any address in them is a mailbox
}

// Fault reproduces one Exchange Online reply.
type Fault string

// The faults; the constant's value is also its name on the control API.
const (
	FaultNone                     Fault = ""
	FaultAuthFailed               Fault = "auth_failed"
	FaultNotConnected             Fault = "not_connected"
	FaultSMTPAuthDisabledTenant   Fault = "smtp_auth_disabled_tenant"
	FaultSMTPAuthDisabledMailbox  Fault = "smtp_auth_disabled_mailbox"
	FaultBasicAuthDisabled        Fault = "basic_auth_disabled"
	FaultConditionalAccess        Fault = "conditional_access"
	FaultNotAuthenticated         Fault = "not_authenticated"
	FaultSendAs560                Fault = "send_as_5_7_60"
	FaultSendAsDenied             Fault = "send_as_denied"
	FaultStoreDrv                 Fault = "storedrv"
	FaultOldTLS                   Fault = "old_tls"
	FaultErrorChallenge           Fault = "error_challenge"
	FaultAuthenticationFailedCode Fault = "authenticationfailed"
	FaultUnavailable              Fault = "unavailable"
	FaultSilent                   Fault = "silent"
	FaultStallAfterGreeting       Fault = "stall_after_greeting"
	FaultStallAfterAuth           Fault = "stall_after_auth"
	// FaultStallAfterTLS completes the TLS handshake of an implicit-TLS
	// port (IMAP, POP3) and then never sends the greeting. On SMTP, whose
	// greeting comes before STARTTLS, it is the same as a stall after the
	// greeting.
	FaultStallAfterTLS Fault = "stall_after_tls"
	// FaultTempAuth answers SMTP AUTH with 454 4.7.0, what Exchange and
	// Postfix say when their authentication backend is unavailable.
	FaultTempAuth Fault = "temp_auth_454"
	// FaultPostfixLineLimit answers a long AUTH line the way Postfix does
	// with its default line_length_limit of 2048.
	FaultPostfixLineLimit Fault = "postfix_line_limit"
)

// Message is a delivered mail.
type Message struct {
	From    string
	To      []string
	Subject string
	Body    string
	Raw     []byte
}

// Server is the running trio.
type Server struct {
	opts  Options
	imap  *imapMem
	lnI   net.Listener
	lnP   net.Listener
	lnS   net.Listener
	stop  chan struct{}
	conns sync.WaitGroup

	mu     sync.Mutex
	faults map[string]Fault
	grants map[string]map[string]rights // mailbox → delegate → rights
	msgs   map[string][]Message
	open   map[net.Conn]struct{}
	closed bool
}

// Start listens on random loopback ports: IMAP with implicit TLS (like 993),
// POP3 with implicit TLS (like 995), SMTP submission with STARTTLS (like 587).
func Start(opts Options) (*Server, error) {
	if opts.TLS == nil || opts.Validate == nil {
		return nil, errors.New("mailserver: TLS and Validate are required")
	}
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	s := &Server{opts: opts, stop: make(chan struct{}), faults: map[string]Fault{},
		grants: map[string]map[string]rights{}, msgs: map[string][]Message{}, open: map[net.Conn]struct{}{},
		imap: newIMAPMem()}
	var err error
	for _, ln := range []*net.Listener{&s.lnI, &s.lnP, &s.lnS} {
		if *ln, err = net.Listen("tcp", net.JoinHostPort(opts.Host, "0")); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.serveIMAP()
	s.servePOP3()
	s.serveSMTP()
	return s, nil
}

// IMAPAddr is host:port of IMAP (implicit TLS).
func (s *Server) IMAPAddr() string { return s.lnI.Addr().String() }

// POP3Addr is host:port of POP3 (implicit TLS).
func (s *Server) POP3Addr() string { return s.lnP.Addr().String() }

// SMTPAddr is host:port of SMTP submission (STARTTLS).
func (s *Server) SMTPAddr() string { return s.lnS.Addr().String() }

// SetFault makes protocol p ("imap", "pop3", "smtp") answer with f.
func (s *Server) SetFault(p string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[strings.ToLower(p)] = f
}

// ClearFaults restores normal behaviour.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string]Fault{}
}

func (s *Server) fault(p string) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults[p]
}

// rights are a delegate's permissions on a mailbox.
type rights struct {
	fullAccess bool // Add-MailboxPermission -AccessRights FullAccess
	sendAs     bool // Add-RecipientPermission -AccessRights SendAs
}

// Grant gives delegate (a user, or an app ID for app-only access) full
// access and SendAs on mailbox — Add-MailboxPermission + Add-RecipientPermission.
func (s *Server) Grant(delegate, mailbox string) {
	s.grant(delegate, mailbox, rights{fullAccess: true, sendAs: true})
}

// GrantFullAccess gives delegate Full Access on mailbox only: it may open
// it over IMAP and POP3 but not send as it.
func (s *Server) GrantFullAccess(delegate, mailbox string) {
	s.grant(delegate, mailbox, rights{fullAccess: true})
}

// GrantSendAs gives delegate Send As on mailbox only.
func (s *Server) GrantSendAs(delegate, mailbox string) {
	s.grant(delegate, mailbox, rights{sendAs: true})
}

func (s *Server) grant(delegate, mailbox string, r rights) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mb := strings.ToLower(mailbox)
	if s.grants[mb] == nil {
		s.grants[mb] = map[string]rights{}
	}
	d := strings.ToLower(delegate)
	old := s.grants[mb][d]
	s.grants[mb][d] = rights{fullAccess: old.fullAccess || r.fullAccess, sendAs: old.sendAs || r.sendAs}
}

// mayOpen: delegate holds Full Access on mailbox.
func (s *Server) mayOpen(delegate, mailbox string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.grants[strings.ToLower(mailbox)][strings.ToLower(delegate)].fullAccess
}

// maySendAs: delegate holds Send As on mailbox.
func (s *Server) maySendAs(delegate, mailbox string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.grants[strings.ToLower(mailbox)][strings.ToLower(delegate)].sendAs
}

// MoveMailbox rebuilds the mailbox's INBOX empty, with a new UIDVALIDITY,
// as Exchange does when a mailbox moves between databases or from an
// on-premises server to Exchange Online; programs that remember the last
// UID they fetched then skip mail until told.
func (s *Server) MoveMailbox(mailbox string) {
	u := s.imap.user(mailbox)
	u.Delete("INBOX")
	u.Create("INBOX", nil)
}

// Messages returns the mail delivered to mailbox.
func (s *Server) Messages(mailbox string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs[strings.ToLower(mailbox)]...)
}

// Close stops all listeners and open connections.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.stop)
	for c := range s.open {
		c.Close()
	}
	s.mu.Unlock()
	for _, ln := range []net.Listener{s.lnI, s.lnP, s.lnS} {
		if ln != nil {
			ln.Close()
		}
	}
	s.conns.Wait()
	return nil
}

func (s *Server) inDomain(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	d := strings.ToLower(addr[at+1:])
	for _, x := range s.opts.Domains {
		if strings.ToLower(x) == d {
			return true
		}
	}
	return false
}

// access decides whether principal may open mailbox over protocol p, the
// way Exchange does: the token must carry the protocol's permission, and the
// token's user must be the mailbox or hold Full Access on it. SMTP AUTH of a
// delegated token only ever signs in the token's own user: Exchange refuses
// a shared (or any other) mailbox as the SMTP identity with 535 5.7.3, Full
// Access or not — mail clients' transcripts show it, Microsoft's guide
// suggests otherwise. Sending as another mailbox is decided at MAIL FROM.
type verdict int

const (
	allowed verdict = iota
	noScope
	noMailboxAccess
	notSMTPIdentity
)

var delegated = map[string]string{"imap": "IMAP.AccessAsUser.All", "pop3": "POP.AccessAsUser.All", "smtp": "SMTP.Send"}
var appRoles = map[string]string{"imap": "IMAP.AccessAsApp", "pop3": "POP.AccessAsApp", "smtp": "SMTP.SendAsApp"}

func (s *Server) access(p Principal, mailbox, proto string) verdict {
	need, list := delegated[proto], p.Scopes
	if p.AppOnly {
		need, list = appRoles[proto], p.Roles
	}
	ok := false
	for _, x := range list {
		if x == need {
			ok = true
		}
	}
	if !ok {
		return noScope
	}
	who := strings.ToLower(p.User)
	if p.AppOnly {
		who = strings.ToLower(p.AppID)
	}
	if who == strings.ToLower(mailbox) {
		return allowed
	}
	if proto == "smtp" && !p.AppOnly {
		return notSMTPIdentity
	}
	if s.mayOpen(who, mailbox) {
		return allowed
	}
	return noMailboxAccess
}

func (s *Server) deliver(m Message) {
	s.mu.Lock()
	for _, to := range m.To {
		if s.inDomain(to) {
			s.msgs[strings.ToLower(to)] = append(s.msgs[strings.ToLower(to)], m)
		}
	}
	s.mu.Unlock()
	for _, to := range m.To {
		if s.inDomain(to) {
			s.imap.deliver(strings.ToLower(to), m.Raw)
		}
	}
}

// track registers a connection so Close can end it.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		return false
	}
	s.open[c] = struct{}{}
	s.conns.Add(1)
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	if _, ok := s.open[c]; ok {
		delete(s.open, c)
		s.conns.Done()
	}
	s.mu.Unlock()
}
