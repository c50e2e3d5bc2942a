package mailcheck

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"os"
	"time"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// SendTest sends a short German/English test mail from the target's sender
// to to (build the target with TargetFor: for a shared mailbox it signs in
// as the login and sends from the mailbox).
func SendTest(ctx context.Context, t Target, token, to string, lang i18n.Lang, opt Options) status.Result {
	p, cancel := newProbe(ctx, t, opt)
	defer cancel()
	msg := TestMessage(t.sender(), to, opt.Version, time.Now())
	return p.finish(p.sendTest(token, to, msg))
}

// TestMessage builds the test mail: subject with date and time, a body in
// both languages that says which program sent it and why.
func TestMessage(from, to, version string, now time.Time) []byte {
	host, _ := os.Hostname()
	stamp := now.Format("2006-01-02 15:04:05 MST")
	subject := fmt.Sprintf("%s / %s %s", i18n.T(i18n.EN, "mailcheck.testmail.subject", nil), i18n.T(i18n.DE, "mailcheck.testmail.subject", nil), stamp)
	args := i18n.Args{"from": from, "time": stamp, "version": version, "host": host}
	body := i18n.T(i18n.DE, "mailcheck.testmail.body", args) + "\r\n\r\n-- \r\n\r\n" + i18n.T(i18n.EN, "mailcheck.testmail.body", args) + "\r\n"
	id := make([]byte, 12)
	rand.Read(id)
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: <%s>\r\n", from)
	fmt.Fprintf(&b, "To: <%s>\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@mailoauth.localhost>\r\n", hex.EncodeToString(id))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n")
	b.WriteString("X-Mailer: mailoauth " + version + "\r\n\r\n")
	b.WriteString(body)
	return b.Bytes()
}
