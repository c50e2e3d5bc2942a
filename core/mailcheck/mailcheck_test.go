package mailcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/sandbox/mailserver"
	"mailoauth/core/status"
)

const anna = "anna@contoso.example"

var allPerms = []string{"IMAP.AccessAsUser.All", "POP.AccessAsUser.All", "SMTP.Send"}

type env struct {
	sb  *sandbox.Sandbox
	opt Options
}

func start(t testing.TB, mo mailserver.Options) *env {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{Mail: mo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return &env{sb: sb, opt: Options{RootCAs: sb.CA.Pool(), Timeout: 5 * time.Second, Version: "test"}}
}

func (e *env) token(user string, perms ...string) string {
	return e.sb.Identity.IssueAccessToken(user, identity.PublicClientID, perms...)
}

func (e *env) target(p account.Protocol, user string) Target {
	addr := map[account.Protocol]string{account.IMAP: e.sb.Mail.IMAPAddr(), account.POP3: e.sb.Mail.POP3Addr(), account.SMTP: e.sb.Mail.SMTPAddr()}[p]
	host, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	sec := account.TLS
	if p == account.SMTP {
		sec = account.STARTTLS
	}
	return Target{Account: "a", Protocol: p, Server: account.Server{Enabled: true, Host: host, Port: n, Security: sec}, User: user}
}

// sharedTarget is the SMTP target of anna's account for the shared mailbox,
// built as every caller builds it.
func (e *env) sharedTarget(shared string) Target {
	a := &account.Account{Name: "a", Login: anna, Mailbox: shared}
	a.SMTP = e.target(account.SMTP, anna).Server
	return TargetFor(a, account.SMTP)
}

// assertResult checks level and problem code, and that the problem has texts
// in both languages and that the token appears nowhere in the result.
func assertResult(t *testing.T, name string, r status.Result, level status.Level, code, token string) {
	t.Helper()
	got := ""
	if r.Problem != nil {
		got = r.Problem.Code
	}
	if r.Level != level || got != code {
		b, _ := json.Marshal(r.Steps)
		t.Errorf("%s: %s %s, want %s %s; steps %s", name, r.Level, got, level, code, b)
	}
	if r.Problem != nil {
		for _, l := range i18n.Langs {
			if !i18n.Has(l, r.Problem.Code) || !i18n.Has(l, r.Problem.Code+".fix") || strings.Contains(r.Problem.Message(l), "{") {
				t.Errorf("%s: %s lacks a %s text or fix", name, r.Problem.Code, l)
			}
		}
	}
	b, _ := json.Marshal(r)
	pb, _ := json.Marshal(r.Problem)
	if token != "" && (bytes.Contains(b, []byte(token)) || bytes.Contains(pb, []byte(token)) || (r.Problem != nil && strings.Contains(r.Problem.Error(), token))) {
		t.Errorf("%s: the token leaked into the result", name)
	}
}

func TestAllGreen(t *testing.T) {
	e := start(t, mailserver.Options{})
	tok := e.token(anna, allPerms...)
	for _, p := range account.Protocols {
		r := Check(context.Background(), e.target(p, anna), tok, e.opt)
		assertResult(t, string(p), r, status.Green, "", tok)
		if len(r.Steps) < 4 {
			t.Errorf("%s: only %d steps", p, len(r.Steps))
		}
		for _, s := range r.Steps {
			if !s.OK && s.Name != "list" {
				t.Errorf("%s: step %s failed: %s", p, s.Name, s.Reply)
			}
		}
	}
	r := Check(context.Background(), e.target(account.IMAP, anna), tok, e.opt)
	if r.Info["sent_folder"] != "Gesendete Elemente" || r.Info["uidvalidity"] == "" {
		t.Errorf("imap info: %v", r.Info)
	}
}

func TestExchangeReplies(t *testing.T) {
	e := start(t, mailserver.Options{})
	tok := e.token(anna, allPerms...)
	cases := []struct {
		proto account.Protocol
		fault mailserver.Fault
		level status.Level
		code  string
	}{
		{account.IMAP, mailserver.FaultAuthFailed, status.Red, "mailcheck.imap.auth_failed"},
		{account.IMAP, mailserver.FaultNotConnected, status.Red, "mailcheck.imap.not_connected"},
		{account.IMAP, mailserver.FaultAuthenticationFailedCode, status.Red, "mailcheck.imap.authenticationfailed"},
		{account.IMAP, mailserver.FaultUnavailable, status.Yellow, "mailcheck.temporary"},
		{account.IMAP, mailserver.FaultErrorChallenge, status.Red, "mailcheck.token_lacks_scope"},
		{account.POP3, mailserver.FaultAuthFailed, status.Red, "mailcheck.pop3.auth_failed"},
		{account.POP3, mailserver.FaultUnavailable, status.Yellow, "mailcheck.temporary"},
		{account.POP3, mailserver.FaultErrorChallenge, status.Red, "mailcheck.token_lacks_scope"},
		{account.SMTP, mailserver.FaultAuthFailed, status.Red, "mailcheck.smtp.auth_failed"},
		{account.SMTP, mailserver.FaultSMTPAuthDisabledTenant, status.Red, "mailcheck.smtp.auth_disabled_tenant"},
		{account.SMTP, mailserver.FaultSMTPAuthDisabledMailbox, status.Red, "mailcheck.smtp.auth_disabled_mailbox"},
		{account.SMTP, mailserver.FaultBasicAuthDisabled, status.Red, "mailcheck.smtp.basic_disabled"},
		{account.SMTP, mailserver.FaultConditionalAccess, status.Red, "mailcheck.smtp.conditional_access"},
		{account.SMTP, mailserver.FaultNotAuthenticated, status.Red, "mailcheck.smtp.not_authenticated"},
		{account.SMTP, mailserver.FaultSendAs560, status.Red, "mailcheck.smtp.send_as"},
		{account.SMTP, mailserver.FaultStoreDrv, status.Red, "mailcheck.smtp.storedrv"},
		{account.SMTP, mailserver.FaultOldTLS, status.Red, "mailcheck.smtp.tls_old"},
		{account.SMTP, mailserver.FaultUnavailable, status.Yellow, "mailcheck.temporary"},
		{account.SMTP, mailserver.FaultTempAuth, status.Yellow, "mailcheck.temporary"},
		{account.IMAP, mailserver.FaultTempAuth, status.Yellow, "mailcheck.temporary"},
		// go-smtp would call a rejected exchange a success if Next returned
		// nil, nil on the error challenge; ours cannot.
		{account.SMTP, mailserver.FaultErrorChallenge, status.Red, "mailcheck.token_lacks_scope"},
		// Postfix cuts a long AUTH line; the check retries without the
		// initial response and succeeds.
		{account.SMTP, mailserver.FaultPostfixLineLimit, status.Green, ""},
	}
	for _, c := range cases {
		e.sb.Mail.ClearFaults()
		e.sb.Mail.SetFault(string(c.proto), c.fault)
		r := Check(context.Background(), e.target(c.proto, anna), tok, e.opt)
		assertResult(t, string(c.proto)+"/"+string(c.fault), r, c.level, c.code, tok)
		if c.code != "" && r.Problem.Detail == "" {
			t.Errorf("%s/%s: no server reply in the detail", c.proto, c.fault)
		}
	}
	e.sb.Mail.ClearFaults()
	// SendAsDenied comes at the end of DATA: only the test mail sees it.
	e.sb.Mail.SetFault("smtp", mailserver.FaultSendAsDenied)
	r := SendTest(context.Background(), e.target(account.SMTP, anna), tok, anna, i18n.DE, e.opt)
	assertResult(t, "send-as-denied", r, status.Red, "mailcheck.smtp.send_as_denied", tok)
}

func TestAccessRules(t *testing.T) {
	e := start(t, mailserver.Options{})
	// A token without the POP scope: POP red, IMAP green.
	tok := e.token(anna, "IMAP.AccessAsUser.All", "SMTP.Send")
	assertResult(t, "imap", Check(context.Background(), e.target(account.IMAP, anna), tok, e.opt), status.Green, "", tok)
	assertResult(t, "pop3", Check(context.Background(), e.target(account.POP3, anna), tok, e.opt), status.Red, "mailcheck.pop3.auth_failed", tok)
	// Signed in, but the command after sign-in fails: not green.
	tok = e.token(anna, allPerms...)
	shared := "info@contoso.example"
	assertResult(t, "shared imap", Check(context.Background(), e.target(account.IMAP, shared), tok, e.opt), status.Red, "mailcheck.imap.not_connected", tok)
	sharedSMTP := e.sharedTarget(shared)
	assertResult(t, "shared smtp", Check(context.Background(), sharedSMTP, tok, e.opt), status.Red, "mailcheck.smtp.send_as", tok)
	r := SendTest(context.Background(), sharedSMTP, tok, shared, i18n.EN, e.opt)
	assertResult(t, "shared send", r, status.Red, "mailcheck.smtp.send_as", tok)
	// With delegated rights it works and the mail is from the shared box.
	e.sb.Mail.Grant(anna, shared)
	assertResult(t, "granted imap", Check(context.Background(), e.target(account.IMAP, shared), tok, e.opt), status.Green, "", tok)
	r = SendTest(context.Background(), sharedSMTP, tok, shared, i18n.EN, e.opt)
	assertResult(t, "granted send", r, status.Green, "", tok)
	msgs := e.sb.Mail.Messages(shared)
	if len(msgs) != 1 || msgs[0].From != shared || !strings.Contains(msgs[0].Subject, "mailoauth test mail / mailoauth-Testmail") ||
		!strings.Contains(msgs[0].Body, "OAuth2") || !strings.Contains(msgs[0].Body, "Diese Testmail") {
		t.Fatalf("test mail: %+v", msgs)
	}
	// The delivered mail is visible over IMAP and POP3.
	r = Check(context.Background(), e.target(account.IMAP, shared), tok, e.opt)
	if r.Info["messages"] != "1" {
		t.Errorf("imap sees %s messages", r.Info["messages"])
	}
	// An expired token is refused.
	e.sb.Identity.ExpireAccessTokens()
	assertResult(t, "expired", Check(context.Background(), e.target(account.IMAP, anna), tok, e.opt), status.Red, "mailcheck.imap.auth_failed", tok)
}

func TestNetworkAndTLS(t *testing.T) {
	e := start(t, mailserver.Options{})
	tok := e.token(anna, allPerms...)
	short := e.opt
	short.Timeout = 700 * time.Millisecond
	for _, p := range account.Protocols {
		// Accepts the connection and then says nothing: a result within
		// the deadline, red (never answered).
		e.sb.Mail.ClearFaults()
		e.sb.Mail.SetFault(string(p), mailserver.FaultSilent)
		start := time.Now()
		r := Check(context.Background(), e.target(p, anna), tok, short)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s silent: took %v", p, d)
		}
		assertResult(t, string(p)+" silent", r, status.Red, "mailcheck.unreachable", tok)
		// Answered and then stalled: yellow.
		e.sb.Mail.SetFault(string(p), mailserver.FaultStallAfterGreeting)
		r = Check(context.Background(), e.target(p, anna), tok, short)
		assertResult(t, string(p)+" stall", r, status.Yellow, "mailcheck.stalled", tok)
		e.sb.Mail.SetFault(string(p), mailserver.FaultStallAfterAuth)
		r = Check(context.Background(), e.target(p, anna), tok, short)
		assertResult(t, string(p)+" stall after auth", r, status.Yellow, "mailcheck.stalled", tok)
		// The TLS handshake completed, then nothing: it answered, so it is
		// "answered and then stopped", not "unreachable".
		e.sb.Mail.SetFault(string(p), mailserver.FaultStallAfterTLS)
		start = time.Now()
		r = Check(context.Background(), e.target(p, anna), tok, short)
		assertResult(t, string(p)+" stall after tls", r, status.Yellow, "mailcheck.stalled", tok)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s stall after tls: took %v", p, d)
		}
		if p != account.SMTP && (len(r.Steps) < 2 || r.Steps[1].Name != "tls" || !r.Steps[1].OK) {
			t.Errorf("%s stall after tls: steps %+v", p, r.Steps)
		}
	}
	e.sb.Mail.ClearFaults()
	// Nothing listening: red, fast.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	tg := e.target(account.IMAP, anna)
	tg.Server.Port = closed
	start := time.Now()
	assertResult(t, "refused", Check(context.Background(), tg, tok, e.opt), status.Red, "mailcheck.unreachable", tok)
	if time.Since(start) > 2*time.Second {
		t.Error("refused connection took too long")
	}
	// Unknown name: red DNS problem.
	tg = e.target(account.IMAP, anna)
	tg.Server.Host = "no-such-host.invalid"
	r := Check(context.Background(), tg, tok, e.opt)
	assertResult(t, "dns", r, status.Red, "mailcheck.dns", tok)
	if r.Problem.Args["name"] != "no-such-host.invalid" || !strings.Contains(r.Problem.Message(i18n.EN), "DNS") {
		t.Errorf("dns: %+v", r.Problem)
	}
	// A lookup that fails within the deadline of a slow resolver is still
	// a DNS problem, not a silent server.
	slowDNS := short
	slowDNS.Dialer = func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "mail.example.test", IsTimeout: true}}
	}
	tg.Server.Host = "mail.example.test"
	r = Check(context.Background(), tg, tok, slowDNS)
	assertResult(t, "slow dns", r, status.Red, "mailcheck.dns", tok)
	// Untrusted CA (the system store does not know the sandbox CA).
	untrusted := e.opt
	untrusted.RootCAs = nil
	assertResult(t, "untrusted", Check(context.Background(), e.target(account.IMAP, anna), tok, untrusted), status.Red, "mailcheck.tls.untrusted", tok)
	// Name mismatch: the certificate is for localhost/127.0.0.1 only.
	mismatch := e.opt
	real := e.sb.Mail.IMAPAddr()
	mismatch.Dialer = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, real)
	}
	tg = e.target(account.IMAP, anna)
	tg.Server.Host = "mail.example.test"
	r = Check(context.Background(), tg, tok, mismatch)
	assertResult(t, "mismatch", r, status.Red, "mailcheck.tls.name_mismatch", tok)
	if !strings.Contains(r.Problem.Args["names"], "localhost") {
		t.Errorf("names: %q", r.Problem.Args["names"])
	}
	// TLS below 1.2.
	e.sb.Mail.SetFault("imap", mailserver.FaultOldTLS)
	assertResult(t, "old tls", Check(context.Background(), e.target(account.IMAP, anna), tok, e.opt), status.Red, "mailcheck.tls.old_version", tok)
}

func TestPOP3TwoStepTranscript(t *testing.T) {
	e := start(t, mailserver.Options{})
	tok := e.token(anna, allPerms...)
	var tr bytes.Buffer
	opt := e.opt
	opt.Transcript = &tr
	assertResult(t, "pop3", Check(context.Background(), e.target(account.POP3, anna), tok, opt), status.Green, "", tok)
	want := []string{"pop3 C: CAPA", "pop3 S: SASL PLAIN XOAUTH2", "pop3 C: AUTH XOAUTH2", "pop3 S: + ", "pop3 C: [credentials]",
		"pop3 S: +OK User successfully authenticated.", "pop3 C: STAT", "pop3 C: QUIT"}
	text := tr.String()
	last := 0
	for _, w := range want {
		i := strings.Index(text[last:], w)
		if i < 0 {
			t.Fatalf("transcript lacks %q after position %d:\n%s", w, last, text)
		}
		last += i
	}
	if strings.Contains(text, tok) {
		t.Error("token in transcript")
	}
}

func TestRunConcurrencyAndTokenOnce(t *testing.T) {
	e := start(t, mailserver.Options{})
	var calls atomic.Int32
	var jobs []Job
	for i := 0; i < 5; i++ {
		user := "user" + strconv.Itoa(i) + "@contoso.example"
		a := &account.Account{Name: "acct" + strconv.Itoa(i), Login: user}
		for _, p := range account.Protocols {
			tg := e.target(p, user)
			a.SetServer(p, tg.Server)
		}
		if i == 4 {
			a.POP3.Enabled = false
		}
		tok := e.token(user, allPerms...)
		jobs = append(jobs, Job{Account: a, Token: func(context.Context) (string, *status.Problem) {
			calls.Add(1)
			return tok, nil
		}})
	}
	jobs = append(jobs, Job{Account: &account.Account{Name: "noauth", IMAP: account.Server{Enabled: true, Host: "127.0.0.1", Port: 1}},
		Token: func(context.Context) (string, *status.Problem) {
			calls.Add(1)
			return "", status.New(status.Yellow, "tokens.not_authorized", "name", "noauth")
		}})
	var reported atomic.Int32
	res := Run(context.Background(), jobs, RunOptions{Parallel: 3, Check: e.opt}, func(status.Result) { reported.Add(1) })
	if calls.Load() != 6 {
		t.Errorf("token fetched %d times for 6 accounts", calls.Load())
	}
	if len(res) != 18 || reported.Load() != 18 {
		t.Fatalf("%d results, %d reported", len(res), reported.Load())
	}
	for i, r := range res {
		wantAcct := jobs[i/3].Account.Name
		wantProto := string(account.Protocols[i%3])
		if r.Account != wantAcct || r.Protocol != wantProto {
			t.Errorf("result %d is %s/%s, want %s/%s", i, r.Account, r.Protocol, wantAcct, wantProto)
		}
	}
	if res[13].Level != status.Grey {
		t.Errorf("disabled POP3: %s", res[13].Level)
	}
	if res[15].Level != status.Yellow || res[15].Problem.Code != "tokens.not_authorized" {
		t.Errorf("not authorized: %+v", res[15])
	}
	if res[16].Level != status.Grey || res[17].Level != status.Grey {
		t.Error("disabled protocols of the unauthorized account should stay grey")
	}
	for i := 0; i < 12; i++ {
		if res[i].Level != status.Green {
			t.Errorf("result %d: %s %v", i, res[i].Level, res[i].Problem)
		}
	}
}

func TestXOAUTH2Client(t *testing.T) {
	x := &XOAUTH2{User: "a@b.c", Token: "tok"}
	mech, ir, _ := x.Start()
	if mech != "XOAUTH2" || string(ir) != "user=a@b.c\x01auth=Bearer tok\x01\x01" {
		t.Fatalf("start: %q %q", mech, ir)
	}
	resp, err := x.Next([]byte(`{"status":"401","schemes":"bearer","scope":"https://outlook.office.com/SMTP.Send"}`))
	if err != nil || resp == nil || len(resp) != 0 || x.Challenge == nil || x.Challenge.Scope == "" {
		t.Fatalf("error challenge: %q %v %+v", resp, err, x.Challenge)
	}
	n := &XOAUTH2{User: "a@b.c", Token: "tok", NoIR: true}
	if _, ir, _ := n.Start(); ir != nil {
		t.Fatal("NoIR sent an initial response")
	}
	if resp, _ := n.Next(nil); !strings.HasPrefix(string(resp), "user=a@b.c") {
		t.Fatal("NoIR did not send the blob on the first challenge")
	}
}

// TestSharedMailboxSMTP: Exchange's rule for a shared mailbox. IMAP and
// POP3 sign in as the shared mailbox (Full Access decides); SMTP never
// does — 535 5.7.3 even with Full Access and Send As — so the check signs in
// as the login and sends MAIL FROM the mailbox, where Send As decides
// (550 5.7.60), and the test mail's From is the mailbox.
func TestSharedMailboxSMTP(t *testing.T) {
	e := start(t, mailserver.Options{})
	tok := e.token(anna, allPerms...)
	shared := "info@contoso.example"
	a := &account.Account{Name: "a", Login: anna, Mailbox: shared}
	for _, p := range account.Protocols {
		a.SetServer(p, e.target(p, anna).Server)
	}
	for p, want := range map[account.Protocol][2]string{account.IMAP: {shared, ""}, account.POP3: {shared, ""}, account.SMTP: {anna, shared}} {
		if tg := TargetFor(a, p); tg.User != want[0] || tg.From != want[1] || tg.Server != a.Server(p) {
			t.Errorf("%s target %+v, want user %s from %q", p, tg, want[0], want[1])
		}
	}
	app := *a
	app.Flow = account.FlowApp
	if tg := TargetFor(&app, account.SMTP); tg.User != shared || tg.From != shared {
		t.Errorf("app-only SMTP target %+v", tg)
	}
	asShared := e.target(account.SMTP, shared) // what a product does when the shared mailbox goes into its SMTP user field
	check := func(name string, tg Target, level status.Level, code string) status.Result {
		t.Helper()
		r := Check(context.Background(), tg, tok, e.opt)
		assertResult(t, name, r, level, code, tok)
		return r
	}
	// No rights: IMAP cannot open it; SMTP signs in, MAIL FROM refused.
	ri := check("imap none", TargetFor(a, account.IMAP), status.Red, "mailcheck.imap.not_connected")
	for _, l := range i18n.Langs {
		// The fix names the delegate who needs Full Access, no placeholder.
		if fix := ri.Problem.Fix(l); !strings.Contains(fix, "Add-MailboxPermission -Identity "+shared+" -User "+anna+" -AccessRights FullAccess") {
			t.Errorf("%s full-access fix: %q", l, fix)
		}
	}
	r := check("smtp none", TargetFor(a, account.SMTP), status.Red, "mailcheck.smtp.send_as")
	for _, l := range i18n.Langs {
		if fix := r.Problem.Fix(l); !strings.Contains(fix, "Add-RecipientPermission -Identity "+shared+" -Trustee "+anna+" -AccessRights SendAs") {
			t.Errorf("%s send-as fix: %q", l, fix)
		}
	}
	if !strings.Contains(r.Problem.Detail, "550 5.7.60") {
		t.Errorf("detail %q", r.Problem.Detail)
	}
	// Full Access only: IMAP and POP3 open it; SMTP AUTH as the shared
	// mailbox is still refused, and the delegate may not send as it.
	e.sb.Mail.GrantFullAccess(anna, shared)
	check("imap full", TargetFor(a, account.IMAP), status.Green, "")
	check("pop3 full", TargetFor(a, account.POP3), status.Green, "")
	r = check("smtp auth as shared, full access", asShared, status.Red, "mailcheck.smtp.auth_failed")
	if !strings.Contains(r.Problem.Detail, "535 5.7.3") || !strings.Contains(r.Problem.Fix(i18n.EN), "shared mailbox is never an SMTP sign-in") {
		t.Errorf("auth as shared: %q / %q", r.Problem.Detail, r.Problem.Fix(i18n.EN))
	}
	check("smtp full", TargetFor(a, account.SMTP), status.Red, "mailcheck.smtp.send_as")
	// Send As as well: the delegate's check is green and the test mail
	// comes from the shared mailbox; SMTP AUTH as the mailbox stays refused.
	e.sb.Mail.GrantSendAs(anna, shared)
	check("smtp send as", TargetFor(a, account.SMTP), status.Green, "")
	check("smtp auth as shared, send as", asShared, status.Red, "mailcheck.smtp.auth_failed")
	r = SendTest(context.Background(), TargetFor(a, account.SMTP), tok, anna, i18n.EN, e.opt)
	assertResult(t, "send", r, status.Green, "", tok)
	msgs := e.sb.Mail.Messages(anna)
	if len(msgs) != 1 || msgs[0].From != shared || !strings.Contains(string(msgs[0].Raw), "From: <"+shared+">") {
		t.Fatalf("test mail: %+v", msgs)
	}
}
