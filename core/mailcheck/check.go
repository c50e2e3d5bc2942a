package mailcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// DefaultTimeout bounds one whole check (dial to logout).
const DefaultTimeout = 30 * time.Second

// Options tune a check.
type Options struct {
	RootCAs    *x509.CertPool // nil: the system store (SSL_CERT_FILE on Linux)
	Timeout    time.Duration  // whole check; default DefaultTimeout
	Transcript io.Writer      // redacted protocol lines (--verbose)
	Version    string         // named in the test mail
	// Dialer replaces net.Dialer (tests).
	Dialer func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Target is one protocol of one account.
type Target struct {
	Account  string
	Protocol account.Protocol
	Server   account.Server
	User     string // XOAUTH2 user=: the identity the server signs in
	// From is the SMTP sender (MAIL FROM and the test mail's From); empty
	// means User.
	From string
	// Delegate is who signs in for a shared mailbox (the account's login)
	// when that is not User: the fixes name the user that needs the rights.
	Delegate string
}

// TargetFor is the one place that decides who signs in where. Exchange
// Online opens a shared mailbox over IMAP and POP3 for a delegate with Full
// Access when user= names the shared mailbox. SMTP is different: a shared
// mailbox is never an SMTP AUTH identity — Exchange answers 535 5.7.3 even
// with Full Access and SMTP AUTH enabled — so SMTP signs in as the login
// (the delegate whose token it is) and sends MAIL FROM the shared mailbox,
// which Exchange checks against Send As (550 5.7.60). App-only access has
// no delegate: user= is the mailbox for every protocol.
func TargetFor(a *account.Account, p account.Protocol) Target {
	t := Target{Account: a.Name, Protocol: p, Server: a.Server(p), User: a.MailboxAddress()}
	if a.Flow != account.FlowApp && a.Login != "" && !strings.EqualFold(a.Login, t.User) {
		t.Delegate = a.Login
	}
	if p == account.SMTP {
		t.From = a.MailboxAddress()
		if a.Flow != account.FlowApp && a.Login != "" {
			t.User = a.Login
		}
	}
	return t
}

// sender is the address mail is sent from.
func (t Target) sender() string {
	if t.From != "" {
		return t.From
	}
	return t.User
}

// delegate is the user who signs in: the login of a shared mailbox's
// delegate, or User itself.
func (t Target) delegate() string {
	if t.Delegate != "" {
		return t.Delegate
	}
	return t.User
}

func (t Target) addr() string {
	return t.Server.HostPort()
}

// probe is one check in progress: it times steps and remembers whether the
// server ever answered, which decides "unreachable" (red) against "stalled"
// (yellow) when the deadline strikes.
type probe struct {
	ctx      context.Context
	t        Target
	opt      Options
	res      status.Result
	answered atomic.Bool
	// hungUp: the check is over and only the goodbye (QUIT, LOGOUT) is
	// still written; its answer proves nothing, so reads end at once
	// instead of costing a round trip.
	hungUp atomic.Bool
	conn   net.Conn
	tw     *redact.Writer // see transcript
}

func newProbe(ctx context.Context, t Target, opt Options) (*probe, context.CancelFunc) {
	opt.Timeout = opt.Bound()
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	p := &probe{ctx: ctx, t: t, opt: opt, res: status.Result{Account: t.Account, Protocol: string(t.Protocol), At: time.Now(), Info: map[string]string{}}}
	return p, cancel
}

// step runs fn as a named, timed step and records the server's reply.
func (p *probe) step(name string, fn func() (string, error)) error {
	start := time.Now()
	reply, err := fn()
	if err != nil && reply == "" {
		reply = replyText(err)
	}
	reply = redact.String(status.FirstLine(reply))
	if len(reply) > 300 {
		reply = reply[:300]
	}
	p.res.Steps = append(p.res.Steps, status.Step{Name: name, Duration: time.Since(start), Reply: reply, OK: err == nil})
	return err
}

func (p *probe) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: p.t.Server.Host, RootCAs: p.opt.RootCAs, MinVersion: tls.VersionTLS12}
}

// dial opens TCP and closes it when the check's deadline passes, so a silent
// server cannot hang any library call.
func (p *probe) dial() error {
	return p.step("connect", func() (string, error) {
		d := p.opt.Dialer
		if d == nil {
			d = (&net.Dialer{}).DialContext
		}
		c, err := d(p.ctx, "tcp", p.t.addr())
		if err != nil {
			return "", err
		}
		// Watched from the first byte: a server whose TLS handshake (its
		// ServerHello) arrived has answered, even if it then says nothing.
		p.conn = p.watch(c)
		context.AfterFunc(p.ctx, func() { c.Close() })
		return "", nil
	})
}

// handshake starts TLS on the connection (implicit TLS or after STARTTLS).
func (p *probe) handshake(c net.Conn) (*tls.Conn, error) {
	tc := tls.Client(c, p.tlsConfig())
	err := p.step("tls", func() (string, error) {
		if err := tc.HandshakeContext(p.ctx); err != nil {
			return "", err
		}
		st := tc.ConnectionState()
		return tls.VersionName(st.Version) + " " + tls.CipherSuiteName(st.CipherSuite), nil
	})
	return tc, err
}

// finish closes the connection and fills in level, problem and duration.
func (p *probe) finish(err error) status.Result {
	if p.conn != nil {
		p.conn.Close()
	}
	if p.tw != nil {
		p.tw.Flush()
	}
	for _, s := range p.res.Steps {
		p.res.Duration += s.Duration
	}
	if err == nil {
		p.res.Level = status.Green
		return p.res
	}
	pr := p.classify(err)
	p.res.Level, p.res.Problem = pr.Level, pr
	return p.res
}

// transcript returns the check's redacting writer for protocol lines, or
// nil. One per check, not per client: it holds back a line until its end
// (so a token written in pieces is still masked whole), and the lines of
// checks running side by side must not be joined; finish flushes it.
func (p *probe) transcript() io.Writer {
	if p.opt.Transcript == nil {
		return nil
	}
	if p.tw == nil {
		p.tw = redact.NewWriter(p.opt.Transcript)
	}
	return p.tw
}

// deadlineHit reports whether the check ran out of time or was cancelled.
func (p *probe) deadlineHit() bool {
	return errors.Is(p.ctx.Err(), context.DeadlineExceeded)
}

// watched marks the probe as answered at the first byte the server sends,
// whichever library reads it.
type watched struct {
	net.Conn
	p *probe
}

func (w watched) Read(b []byte) (int, error) {
	if w.p.hungUp.Load() {
		return 0, io.EOF
	}
	n, err := w.Conn.Read(b)
	if n > 0 {
		w.p.answered.Store(true)
	}
	return n, err
}

func (p *probe) watch(c net.Conn) net.Conn { return watched{c, p} }

// goodbye sends the protocol's farewell without waiting for its answer:
// the check has proved what it proves, and the server ends the session on
// the farewell (or on the connection closing) either way.
func (p *probe) goodbye(send func()) {
	p.hungUp.Store(true)
	start := time.Now()
	send()
	p.res.Steps = append(p.res.Steps, status.Step{Name: "quit", Duration: time.Since(start), OK: true})
}
