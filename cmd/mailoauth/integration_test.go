//go:build integration

// The integration suite: the mailoauth CLI against real, unmodified Dovecot
// (IMAPS, POP3S, IMAP with STARTTLS, SASL XOAUTH2 checked by token
// introspection at our sandbox identity platform) and Postfix (submission
// with STARTTLS, SASL through Dovecot, delivery over LMTP into Dovecot), all
// on loopback, started and stopped by the test itself. Needs root (the
// servers drop privileges), Debian's dovecot and postfix packages, and the
// real keyring (run through scripts/with-keyring.sh: make integration).
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"text/template"
	"time"

	"mailoauth/core/sandbox/certs"
)

type realServers struct {
	dir                              string
	imaps, imapStart, pop3s, smtp    int
	untrustedIMAPS                   string // 127.0.0.3: a certificate from a CA nobody trusts
	dovecotConf, postfixDir, logFile string
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

const dovecotConf = `base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
instance_name = mailoauth-it-{{.IMAPS}}
log_path = {{.Dir}}/dovecot.log
protocols = imap pop3 lmtp
listen = 127.0.0.2, 127.0.0.3
ssl = required
ssl_cert = <{{.Dir}}/certs/server.pem
ssl_key = <{{.Dir}}/certs/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = xoauth2 oauthbearer
auth_failure_delay = 0
mail_location = maildir:{{.Dir}}/mail/%u
mail_uid = mail
mail_gid = mail
first_valid_uid = 8
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {{.Dir}}/oauth2.conf.ext
}
userdb {
  driver = static
  args = uid=mail gid=mail home={{.Dir}}/mail/%u allow_all_users=yes
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox "Gesendete Elemente" {
    special_use = \Sent
    auto = subscribe
  }
}
local 127.0.0.3 {
  ssl_cert = <{{.Dir}}/certs/untrusted.pem
  ssl_key = <{{.Dir}}/certs/untrusted.key
}
service imap-login {
  inet_listener imap {
    port = {{.IMAPStart}}
  }
  inet_listener imaps {
    port = {{.IMAPS}}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = {{.POP3S}}
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp-it {
    mode = 0666
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
service anvil {
  chroot =
  # No auth penalty: Dovecot delays the answers to a client IP by up to
  # 15 s after failed sign-ins, and the suite fails sign-ins from 127.0.0.1
  # on purpose, one scenario after the other; a delayed refusal would come
  # after the check's deadline and read as a stall. The auth process cannot
  # open a listener with mode 0, which switches the penalty off.
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`

const oauth2Conf = `introspection_mode = post
introspection_url = {{.Introspection}}
username_attribute = username
active_attribute = active
active_value = true
force_introspection = yes
send_auth_headers = yes
tls_ca_cert_file = {{.Dir}}/ca.pem
`

const postfixMain = `compatibility_level = 3.6
queue_directory = {{.Dir}}/pq
data_directory = {{.Dir}}/pdata
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.contoso.example
mydomain = contoso.example
myorigin = contoso.example
inet_interfaces = loopback-only
inet_protocols = ipv4
mydestination =
local_transport = error:no local delivery
virtual_mailbox_domains = contoso.example fabrikam.example
virtual_transport = lmtp:unix:{{.Dir}}/run/lmtp-it
smtpd_tls_cert_file = {{.Dir}}/certs/server.pem
smtpd_tls_key_file = {{.Dir}}/certs/server.key
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = {{.Dir}}/run/auth-postfix
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
# Send As, the Postfix way: a SASL login may send only from the addresses
# the map gives it; the shared mailbox info@ is given to anna (her Send As),
# bob holds only his own address.
smtpd_sender_login_maps = texthash:{{.Dir}}/senders
smtpd_sender_restrictions = reject_sender_login_mismatch
# Judge the sender at MAIL FROM, as Exchange judges Send As there (Postfix
# would otherwise wait for RCPT TO, which a check never sends).
smtpd_delay_reject = no
maillog_file_prefixes = {{.Dir}}
maillog_file = {{.Dir}}/postfix.log
smtputf8_enable = no
`

const postfixMaster = `127.0.0.2:{{.SMTP}} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       1       1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`

// postfixSenders is smtpd_sender_login_maps: sender address, then the SASL
// logins that may use it.
const postfixSenders = `anna@{{.Domain}} anna@{{.Domain}}
bob@{{.Domain}} bob@{{.Domain}}
info@{{.Domain}} anna@{{.Domain}}
`

func render(t *testing.T, path, tmpl string, data any) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := template.Must(template.New(path).Parse(tmpl)).Execute(f, data); err != nil {
		t.Fatal(err)
	}
}

// run runs a command to completion. Its output goes to a file, not a pipe:
// daemons (dovecot, postfix) keep inherited pipes open for ever.
func run(t *testing.T, name string, args ...string) {
	t.Helper()
	f, err := os.CreateTemp("", "mailoauth-it-out-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Run(); err != nil {
		out, _ := os.ReadFile(f.Name())
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// startRealServers writes the configs, starts Dovecot and Postfix and stops
// them when the test ends.
func startRealServers(t *testing.T, h *harness) *realServers {
	t.Helper()
	for _, bin := range []string{"dovecot", "postfix", "doveadm"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is not installed (scripts/install-deps.sh installs it)", bin)
		}
	}
	if os.Geteuid() != 0 {
		t.Fatal("the real-server suite needs root: Dovecot and Postfix drop privileges themselves")
	}
	// A folder the servers' own users can traverse (t.TempDir is 0700).
	dir, err := os.MkdirTemp("/tmp", "mailoauth-it-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	for _, d := range []string{"run", "state", "mail", "certs", "pq", "pdata"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	run(t, "chown", "mail:mail", filepath.Join(dir, "mail"))
	run(t, "chown", "postfix", filepath.Join(dir, "pdata"))
	ca, _ := os.ReadFile(h.sb.CAFile)
	os.WriteFile(filepath.Join(dir, "ca.pem"), ca, 0o644)
	for _, f := range []string{"server.pem", "server.key"} {
		b, err := os.ReadFile(filepath.Join(h.dir, "certs", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "certs", f), b, 0o644)
	}
	other, _ := certs.NewCA()
	cert, key, _ := other.LeafPEM("localhost", "127.0.0.3")
	os.WriteFile(filepath.Join(dir, "certs", "untrusted.pem"), cert, 0o644)
	os.WriteFile(filepath.Join(dir, "certs", "untrusted.key"), key, 0o644)

	rs := &realServers{dir: dir, imaps: freePort(t), imapStart: freePort(t), pop3s: freePort(t), smtp: freePort(t)}
	rs.untrustedIMAPS = fmt.Sprintf("127.0.0.3:%d", rs.imaps)
	data := map[string]any{"Dir": dir, "IMAPS": rs.imaps, "IMAPStart": rs.imapStart, "POP3S": rs.pop3s, "SMTP": rs.smtp,
		"Introspection": h.sb.Introspection, "Domain": h.sb.Domain}
	rs.dovecotConf = filepath.Join(dir, "dovecot.conf")
	render(t, rs.dovecotConf, dovecotConf, data)
	render(t, filepath.Join(dir, "oauth2.conf.ext"), oauth2Conf, data)
	rs.postfixDir = filepath.Join(dir, "postfix")
	os.MkdirAll(rs.postfixDir, 0o755)
	render(t, filepath.Join(rs.postfixDir, "main.cf"), postfixMain, data)
	render(t, filepath.Join(rs.postfixDir, "master.cf"), postfixMaster, data)
	render(t, filepath.Join(dir, "senders"), postfixSenders, data)

	start := time.Now()
	run(t, "dovecot", "-c", rs.dovecotConf)
	t.Cleanup(func() { exec.Command("doveadm", "-c", rs.dovecotConf, "stop").Run() })
	// Postfix refuses a configuration directory that the default
	// configuration does not list; a fresh machine has no main.cf at all.
	if _, err := os.Stat("/etc/postfix/main.cf"); err != nil {
		os.WriteFile("/etc/postfix/main.cf", []byte("compatibility_level = 3.6\n"), 0o644)
	}
	run(t, "postconf", "-e", "alternate_config_directories = "+rs.postfixDir)
	run(t, "postfix", "-c", rs.postfixDir, "start")
	t.Cleanup(func() { exec.Command("postfix", "-c", rs.postfixDir, "stop").Run() })
	for _, addr := range []string{fmt.Sprintf("127.0.0.2:%d", rs.imaps), fmt.Sprintf("127.0.0.2:%d", rs.pop3s), fmt.Sprintf("127.0.0.2:%d", rs.smtp)} {
		waitPort(t, addr)
	}
	t.Logf("Dovecot and Postfix up in %v", time.Since(start).Round(time.Millisecond))
	return rs
}

func waitPort(t *testing.T, addr string) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never listened", addr)
}

type checkResult struct {
	Account  string `json:"account"`
	Protocol string `json:"protocol"`
	Status   string `json:"status"`
	Problem  string `json:"problem"`
	Fix      string `json:"fix"`
	Detail   string `json:"detail"`
	Steps    []struct {
		Name  string `json:"name"`
		Reply string `json:"reply"`
	} `json:"steps"`
}

func (h *harness) check(t *testing.T, want int, args ...string) map[string]checkResult {
	t.Helper()
	out, errs, code := h.run("", append([]string{"check", "--json", "--timeout", "5s"}, args...)...)
	if code != want {
		t.Fatalf("check %v: exit %d, want %d\n%s\n%s", args, code, want, out, errs)
	}
	var list []checkResult
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("check json: %v\n%s", err, out)
	}
	m := map[string]checkResult{}
	for _, r := range list {
		m[r.Account+"/"+r.Protocol] = r
	}
	return m
}

func step(r checkResult, name string) string {
	for _, s := range r.Steps {
		if s.Name == name {
			return s.Reply
		}
	}
	return ""
}

func TestRealServers(t *testing.T) {
	h := newHarness(t)
	rs := startRealServers(t, h)
	login := "anna@" + h.sb.Domain
	tenant := h.sb.Authority + "/" + h.sb.TenantID + "/"
	imaps := fmt.Sprintf("127.0.0.2:%d", rs.imaps)
	pop3s := fmt.Sprintf("127.0.0.2:%d", rs.pop3s)
	smtp := fmt.Sprintf("127.0.0.2:%d", rs.smtp)
	add := func(name string, extra ...string) {
		h.must(0, "", append([]string{"account", "add", name, "--login", login, "--tenant", tenant, "--client-id", h.sb.PublicClientID}, extra...)...)
	}
	// msmtp sends stdin to login through Postfix, signing in as user with
	// the token of mailoauth account name (the README's helper recipe).
	msmtp := func(name, user, stdin string) ([]byte, error) {
		conf := filepath.Join(h.dir, "msmtprc-"+name)
		os.WriteFile(conf, []byte(fmt.Sprintf(`account %s
host 127.0.0.2
port %d
tls on
tls_starttls on
tls_trust_file %s
auth xoauth2
user %s
from %s
passwordeval "%s access-token %s"
`, name, rs.smtp, h.sb.CAFile, user, user, h.bin, name)), 0o600)
		cmd := exec.Command("msmtp", "-C", conf, "-a", name, login)
		cmd.Env = h.env
		cmd.Stdin = strings.NewReader(stdin)
		return cmd.CombinedOutput()
	}
	timed := func(name string, fn func()) {
		start := time.Now()
		fn()
		t.Logf("scenario %-28s %v", name, time.Since(start).Round(time.Millisecond))
	}

	timed("happy path", func() {
		add("happy", "--imap", imaps, "--pop3", pop3s, "--smtp", smtp)
		h.must(0, "", "authorize", "happy")
		res := h.check(t, 0, "happy")
		for _, p := range []string{"imap", "pop3", "smtp"} {
			if res["happy/"+p].Status != "green" {
				t.Fatalf("%s: %+v", p, res["happy/"+p])
			}
		}
		h.must(0, "", "send-test", "happy")
		// Postfix hands the mail to Dovecot over LMTP; IMAP then sees it.
		deadline := time.Now().Add(20 * time.Second)
		for {
			r := h.check(t, 0, "happy")["happy/imap"]
			if strings.Contains(step(r, "select"), "1 messages") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the test mail never reached the IMAP INBOX: %q", step(r, "select"))
			}
			time.Sleep(300 * time.Millisecond)
		}
		if r := h.check(t, 0, "happy")["happy/imap"]; !strings.Contains(step(r, "list"), "Gesendete Elemente") {
			t.Errorf("sent folder not found by SPECIAL-USE: %q", step(r, "list"))
		}
	})

	timed("Postfix line limit 2048", func() {
		// Postfix's default line_length_limit cuts the AUTH line that
		// carries a JWT; our client starts over without the initial
		// response. Raised, one attempt is enough.
		r := h.check(t, 0, "happy")["happy/smtp"]
		var auths []string
		for _, s := range r.Steps {
			if s.Name == "authenticate" {
				auths = append(auths, s.Reply)
			}
		}
		if len(auths) != 2 || !strings.Contains(auths[0], "Invalid base64") || !strings.HasPrefix(auths[1], "235") {
			t.Fatalf("line limit 2048: %q", auths)
		}
		run(t, "postconf", "-c", rs.postfixDir, "-e", "line_length_limit = 8192")
		run(t, "postfix", "-c", rs.postfixDir, "reload")
		time.Sleep(time.Second)
		r = h.check(t, 0, "happy")["happy/smtp"]
		n := 0
		for _, s := range r.Steps {
			if s.Name == "authenticate" {
				n++
			}
		}
		if n != 1 || r.Status != "green" {
			t.Fatalf("line limit raised: %d attempts, %+v", n, r)
		}
	})

	timed("msmtp via access-token", func() {
		// The helper recipe of the README: msmtp (Debian's, SASL XOAUTH2)
		// gets its token from `mailoauth access-token` and sends through
		// Postfix; Dovecot then holds the mail. The token never sits in a
		// file: msmtp runs the command for each connection.
		if _, err := exec.LookPath("msmtp"); err != nil {
			t.Fatal("msmtp missing (scripts/install-deps.sh installs it)")
		}
		before := step(h.check(t, 0, "happy")["happy/imap"], "select")
		if out, err := msmtp("happy", login, "Subject: msmtp helper\r\n\r\nsent by msmtp with a mailoauth token\r\n"); err != nil {
			t.Fatalf("msmtp: %v\n%s", err, out)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			r := h.check(t, 0, "happy")["happy/imap"]
			if s := step(r, "select"); s != before && strings.Contains(s, "2 messages") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("msmtp's mail never reached the INBOX: before %q, now %q", before, step(r, "select"))
			}
			time.Sleep(300 * time.Millisecond)
		}
	})

	timed("STARTTLS is used", func() {
		// Dovecot on 127.0.0.2 does not count a client on 127.0.0.1 as
		// secure: without STARTTLS it would refuse the sign-in.
		add("starttls", "--imap", fmt.Sprintf("127.0.0.2:%d", rs.imapStart), "--imap-security", "starttls", "--pop3", "off", "--smtp", "off")
		h.must(0, "", "authorize", "starttls")
		if r := h.check(t, 0, "starttls")["starttls/imap"]; r.Status != "green" || step(r, "starttls") == "" && r.Steps[1].Name != "starttls" {
			t.Fatalf("starttls: %+v", r)
		}
	})

	timed("expired access token", func() {
		h.control(`{"expire_access":true}`)
		res := h.check(t, 0, "happy")
		if res["happy/imap"].Status != "green" || res["happy/smtp"].Status != "green" {
			t.Fatalf("after expiry: %+v", res)
		}
	})

	timed("token without POP scope", func() {
		add("nopop", "--imap", imaps, "--pop3", pop3s, "--smtp", "off")
		h.control(`{"withhold":"POP.AccessAsUser.All"}`)
		h.must(0, "", "authorize", "nopop")
		claims := h.must(0, "", "token", "nopop", "--json")
		if strings.Contains(claims, "POP.AccessAsUser.All") {
			t.Fatalf("the sandbox did not withhold the POP permission: %s", claims)
		}
		res := h.check(t, 2, "nopop")
		h.control(`{"clear":true}`)
		if res["nopop/imap"].Status != "green" {
			t.Errorf("IMAP should stay green: %+v", res["nopop/imap"])
		}
		if r := res["nopop/pop3"]; r.Status != "red" || r.Problem != "mailcheck.pop3.auth_failed" || !strings.Contains(r.Fix, "POP.AccessAsUser.All") {
			t.Errorf("POP: %+v", r)
		}
	})

	timed("shared mailbox over SMTP", func() {
		// Dovecot, like Exchange without Full Access, opens only the
		// token's own mailbox over IMAP and POP3. SMTP signs in as the login
		// and sends MAIL FROM the shared mailbox, which Postfix allows
		// because the sender map gives info@ to anna — Send As.
		shared := "info@" + h.sb.Domain
		add("shared", "--mailbox", shared, "--imap", imaps, "--pop3", pop3s, "--smtp", smtp)
		h.must(0, "", "authorize", "shared")
		res := h.check(t, 2, "shared")
		for _, p := range []string{"imap", "pop3"} {
			if res["shared/"+p].Status != "red" {
				t.Errorf("%s: %+v", p, res["shared/"+p])
			}
		}
		if r := res["shared/smtp"]; r.Status != "green" || !strings.HasPrefix(step(r, "authenticate"), "235") || !strings.HasPrefix(step(r, "mail_from"), "250") {
			t.Errorf("smtp as the delegate, from the shared mailbox: %+v", r)
		}
		h.must(0, "", "send-test", "shared", "--to", login)
		deadline := time.Now().Add(20 * time.Second)
		for {
			b, _ := os.ReadFile(filepath.Join(rs.dir, "postfix.log"))
			if strings.Contains(string(b), "sasl_username="+login) && strings.Contains(string(b), "from=<"+shared+">") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Postfix never took a mail from %s signed in as %s:\n%s", shared, login, b)
			}
			time.Sleep(200 * time.Millisecond)
		}
		// SMTP AUTH as the shared mailbox itself is refused, as Exchange
		// refuses it: msmtp with user= the shared mailbox and anna's token.
		if out, err := msmtp("shared", shared, "Subject: as the shared mailbox\r\n\r\nmust be refused\r\n"); err == nil || !strings.Contains(string(out), "535") {
			t.Errorf("SMTP AUTH as the shared mailbox: %v\n%s", err, out)
		}
	})

	timed("delegate without Send As", func() {
		// bob signs in fine but does not own info@: Postfix refuses the
		// sender with 553 5.7.1 … not owned by user, and the fix names
		// both the Postfix map and Exchange's Add-RecipientPermission.
		bob, shared := "bob@"+h.sb.Domain, "info@"+h.sb.Domain
		h.must(0, "", "account", "add", "bob", "--login", bob, "--mailbox", shared, "--tenant", tenant, "--client-id", h.sb.PublicClientID,
			"--imap", "off", "--pop3", "off", "--smtp", smtp)
		h.must(0, "", "authorize", "bob")
		r := h.check(t, 2, "bob")["bob/smtp"]
		if r.Problem != "mailcheck.smtp.sender_not_owned" || !strings.Contains(r.Detail, "553 5.7.1") || !strings.Contains(r.Detail, "not owned by user") ||
			!strings.Contains(r.Fix, "smtpd_sender_login_maps") || !strings.Contains(r.Fix, "Add-RecipientPermission -Identity "+shared+" -Trustee "+bob) {
			t.Errorf("no Send As: %+v", r)
		}
		if !strings.HasPrefix(step(r, "authenticate"), "235") {
			t.Errorf("bob's own sign-in should work: %+v", r)
		}
	})

	timed("identity platform trouble", func() {
		// The identity platform fails Dovecot's introspection: Dovecot
		// answers IMAP NO [UNAVAILABLE] and POP3 -ERR [SYS/TEMP], both
		// yellow "temporary". Postfix 3.7 does not pass Dovecot's temporary
		// failure on as 454 4.7.0: it answers 535 5.7.8 "(reason
		// unavailable)", a permanent code, which stays red.
		h.control(`{"fault":{"endpoint":"introspect","http_status":503}}`)
		res := h.check(t, 2, "happy")
		h.control(`{"clear":true}`)
		for p, raw := range map[string]string{"imap": "NO [UNAVAILABLE]", "pop3": "-ERR [SYS/TEMP]"} {
			if r := res["happy/"+p]; r.Status != "yellow" || r.Problem != "mailcheck.temporary" || !strings.Contains(r.Detail, raw) {
				t.Errorf("%s: %+v", p, r)
			}
		}
		if r := res["happy/smtp"]; r.Status != "red" || !strings.Contains(r.Detail, "535 5.7.8") {
			t.Errorf("smtp: %+v", r)
		}
		h.check(t, 0, "happy")
	})

	timed("untrusted CA", func() {
		add("untrusted", "--imap", rs.untrustedIMAPS, "--pop3", "off", "--smtp", "off")
		h.must(0, "", "authorize", "untrusted")
		if r := h.check(t, 2, "untrusted")["untrusted/imap"]; r.Problem != "mailcheck.tls.untrusted" || r.Fix == "" {
			t.Fatalf("untrusted: %+v", r)
		}
	})

	timed("nothing listening", func() {
		add("closed", "--imap", fmt.Sprintf("127.0.0.2:%d", freePort(t)), "--pop3", "off", "--smtp", "off")
		h.must(0, "", "authorize", "closed")
		start := time.Now()
		r := h.check(t, 2, "closed")["closed/imap"]
		if r.Problem != "mailcheck.unreachable" || time.Since(start) > 3*time.Second {
			t.Fatalf("closed port: %+v after %v", r, time.Since(start))
		}
	})

	timed("silent server", func() {
		ln, err := net.Listen("tcp", "127.0.0.2:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close() // accept and never say a word
			}
		}()
		add("silent", "--imap", ln.Addr().String(), "--pop3", "off", "--smtp", "off")
		h.must(0, "", "authorize", "silent")
		start := time.Now()
		r := h.check(t, 2, "silent")["silent/imap"]
		if r.Problem != "mailcheck.unreachable" || time.Since(start) > 10*time.Second {
			t.Fatalf("silent: %+v after %v", r, time.Since(start))
		}
	})

	h.leakScan(filepath.Join(rs.dir, "dovecot.log"), filepath.Join(rs.dir, "postfix.log"))
}

// TestKeyringMissing: without a D-Bus session the CLI says so clearly and
// stores nothing anywhere else.
func TestKeyringMissing(t *testing.T) {
	h := newHarness(t)
	h.env = append(h.env, "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus")
	h.must(0, "", "account", "add", "k", "--login", "anna@"+h.sb.Domain, "--tenant", h.sb.Authority+"/"+h.sb.TenantID+"/", "--client-id", h.sb.PublicClientID)
	_, errs, code := h.run("", "authorize", "k")
	if code != 2 || !strings.Contains(errs, "No keyring is reachable") || !strings.Contains(errs, "never stores tokens in a plain file") {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	h.leakScan()
}

// TestKeyringLocked runs under scripts/with-keyring.sh --locked: the Secret
// Service is there but its collection is locked, which gets its own message.
func TestKeyringLocked(t *testing.T) {
	if os.Getenv("MAILOAUTH_KEYRING_MODE") != "locked" {
		t.Skip("runs under scripts/with-keyring.sh --locked (make integration does)")
	}
	h := newHarness(t)
	h.must(0, "", "account", "add", "k", "--login", "anna@"+h.sb.Domain, "--tenant", h.sb.Authority+"/"+h.sb.TenantID+"/", "--client-id", h.sb.PublicClientID)
	_, errs, code := h.run("", "authorize", "k")
	if code != 2 || !strings.Contains(errs, "The keyring is locked") || !strings.Contains(errs, "Unlock your login keyring") {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	// Whether the account is authorized cannot be read from a locked
	// keyring: it says so instead of a wrong "no".
	out, errs, code := h.run("", "account", "show", "k")
	if code != 2 || !strings.Contains(errs, "The keyring is locked") || regexp.MustCompile(`Authorized:\s+no`).MatchString(out) {
		t.Fatalf("account show with a locked keyring: exit %d:\n%s\n%s", code, out, errs)
	}
	h.leakScan()
}
