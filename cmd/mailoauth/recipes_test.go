//go:build integration

package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// recipe is the README's complete file named name (the code block after
// "<!-- recipe NAME -->"), so that the recipes users copy are the ones
// tested.
func recipe(t *testing.T, name string) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- recipe "+name+" -->\n```\n")
	if !ok {
		t.Fatalf("README has no recipe %s", name)
	}
	body, _, ok := strings.Cut(rest, "```\n")
	if !ok {
		t.Fatalf("recipe %s has no end", name)
	}
	return body
}

// TestRecipes runs the README's recipes for other mail programs as
// written — Debian's msmtp, NeoMutt and mbsync with their tokens from
// `mailoauth access-token` — against Dovecot and Postfix. Only what must
// differ is replaced: servers, ports, the login and the test CA.
func TestRecipes(t *testing.T) {
	for _, p := range []string{"msmtp", "neomutt", "mbsync"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("%s missing (scripts/install-deps.sh installs it)", p)
		}
	}
	h := newHarness(t)
	rs := startRealServers(t, h)
	login := "anna@" + h.sb.Domain
	imaps := fmt.Sprintf("127.0.0.2:%d", rs.imaps)
	smtp := fmt.Sprintf("127.0.0.2:%d", rs.smtp)
	h.must(0, "", "account", "add", "info", "--login", login, "--tenant", h.sb.Authority+"/"+h.sb.TenantID+"/",
		"--client-id", h.sb.PublicClientID, "--imap", imaps, "--pop3", "off", "--smtp", smtp)
	h.must(0, "", "authorize", "info")
	// Postfix's default line limit (2048) cuts an AUTH line that carries a
	// JWT; Exchange has no such limit, and NeoMutt sends the token in the
	// AUTH line itself.
	run(t, "postconf", "-c", rs.postfixDir, "-e", "line_length_limit = 8192")
	run(t, "postfix", "-c", rs.postfixDir, "reload")
	time.Sleep(time.Second)

	home := filepath.Join(h.dir, "home")
	os.MkdirAll(home, 0o700)
	env := append(append([]string(nil), h.env...), "HOME="+home, "TERM=xterm")
	servers := strings.NewReplacer(
		"host smtp.office365.com\nport 587", fmt.Sprintf("host 127.0.0.2\nport %d", rs.smtp),
		"Host outlook.office365.com\nPort 993", fmt.Sprintf("Host 127.0.0.2\nPort %d", rs.imaps),
		"smtp.office365.com:587", smtp,
		"outlook.office365.com:993", imaps,
		"info%40contoso.de", url.QueryEscape(login),
		"info@contoso.de", login,
		"mailoauth access-token info", h.bin+" access-token info",
	)
	write := func(file, name string, extra ...string) string {
		t.Helper()
		text := strings.NewReplacer(extra...).Replace(servers.Replace(recipe(t, name)))
		if strings.Contains(text, "contoso.de") || strings.Contains(text, "office365.com") {
			t.Fatalf("recipe %s kept a value the test should have replaced:\n%s", name, text)
		}
		path := filepath.Join(home, file)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	runIn := func(stdin, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env, cmd.Dir = env, home
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	inbox := func() int {
		var n int
		fmt.Sscanf(step(h.check(t, 0, "info")["info/imap"], "select"), "OK INBOX: %d messages", &n)
		return n
	}
	waitInbox := func(want int, what string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for inbox() < want {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the INBOX holds %d messages, want %d", what, inbox(), want)
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	start := inbox()

	// msmtp: plain `msmtp ADDRESS` and its sendmail use (-t) take the
	// default account; no -a anywhere.
	write(".msmtprc", "msmtprc", "tls_starttls on\n", "tls_starttls on\ntls_trust_file "+h.sb.CAFile+"\n")
	runIn("Subject: msmtp default account\r\n\r\nplain msmtp\r\n", "msmtp", login)
	runIn("To: "+login+"\r\nSubject: msmtp as sendmail\r\n\r\nmsmtp -t\r\n", "msmtp", "-t")
	waitInbox(start+2, "msmtp")

	// NeoMutt sends in batch mode, as a script would...
	write(".neomuttrc", "neomuttrc", "+Sent Items", "+Gesendete Elemente")
	f, _ := os.OpenFile(filepath.Join(home, ".neomuttrc"), os.O_APPEND|os.O_WRONLY, 0)
	fmt.Fprintf(f, "set ssl_ca_certificates_file = %q\n", h.sb.CAFile)
	f.Close()
	runIn("sent by NeoMutt in batch mode\n", "neomutt", "-s", "neomutt batch", login)
	waitInbox(start+3, "NeoMutt")
	// ...and reads the INBOX over IMAP as a user would (on a terminal:
	// script gives it one): every message copied into a local mbox.
	mbox := filepath.Join(home, "read.mbox")
	keys := `push "<tag-pattern>~A<enter><tag-prefix><copy-message>` + mbox + `<enter><quit>"`
	runIn("", "timeout", "60", "script", "-qec", "neomutt -e 'set confirmcreate=no' -e '"+keys+"'", "/dev/null")
	read, _ := os.ReadFile(mbox)
	if n := strings.Count(string(read), "\nSubject: "); n != start+3 || !strings.Contains(string(read), "Subject: neomutt batch") {
		t.Errorf("NeoMutt read %d messages over IMAP, the INBOX holds %d", n, start+3)
	}

	// mbsync 1.4 with the Cyrus XOAUTH2 plugin: the whole INBOX lands in
	// the Maildir.
	write(".mbsyncrc", "mbsyncrc", "SSLType IMAPS", "SSLType IMAPS\nCertificateFile "+h.sb.CAFile)
	os.MkdirAll(filepath.Join(home, "Mail", "info"), 0o700)
	runIn("", "mbsync", "info")
	got, _ := filepath.Glob(filepath.Join(home, "Mail", "info", "INBOX", "*", "*"))
	if len(got) != start+3 {
		t.Errorf("mbsync fetched %d messages, the INBOX holds %d", len(got), start+3)
	}
	// The version difference the README names: isync 1.4 stops at TLSType.
	tls := write("mbsyncrc-tlstype", "mbsyncrc", "SSLType IMAPS", "TLSType IMAPS\nCertificateFile "+h.sb.CAFile)
	cmd := exec.Command("mbsync", "-c", tls, "info")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "TLSType") {
		t.Errorf("mbsync 1.4 with TLSType: %v\n%s", err, out)
	}
}
