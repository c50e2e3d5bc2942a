package mailcheck

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

func fuzzProbe(proto account.Protocol) *probe {
	p, _ := newProbe(context.Background(), Target{Account: "a", Protocol: proto, User: "anna@contoso.com",
		Server: account.Server{Enabled: true, Host: "outlook.office365.com", Port: 993, Security: account.TLS}}, Options{})
	p.answered.Store(true)
	return p
}

func checkClassified(t *testing.T, what string, p *status.Problem) {
	t.Helper()
	// A server's refusal is never green: a check fails closed.
	if p == nil || (p.Level != status.Red && p.Level != status.Yellow) {
		t.Fatalf("%s classified as %+v", what, p)
	}
	for _, l := range i18n.Langs {
		if !i18n.Has(l, p.Code) {
			t.Fatalf("%s: problem %s has no %s text", what, p.Code, l)
		}
		if m := p.Message(l); strings.ContainsRune(m, 0x1b) || !utf8.ValidString(m) {
			t.Fatalf("%s: message %q", what, m)
		}
	}
	if strings.ContainsAny(p.Detail, "\x1b\r\n") || !utf8.ValidString(p.Detail) || utf8.RuneCountInString(p.Detail) > status.DetailMax {
		t.Fatalf("%s: detail %q", what, p.Detail)
	}
}

// FuzzClassify: any IMAP, POP3 or SMTP reply gets a yellow or red light
// with a text in both languages and a one-line, escaped detail.
func FuzzClassify(f *testing.F) {
	f.Fuzz(func(t *testing.T, code int, class, subject, detail int, respCode, text string) {
		smtpErr := &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{class, subject, detail}, Message: text}
		checkClassified(t, "SMTP "+text, fuzzProbe(account.SMTP).classify(smtpErr))
		for _, typ := range []imap.StatusResponseType{imap.StatusResponseTypeNo, imap.StatusResponseTypeBad} {
			imapErr := &imap.Error{Type: typ, Code: imap.ResponseCode(respCode), Text: text}
			checkClassified(t, "IMAP "+text, fuzzProbe(account.IMAP).classify(imapErr))
		}
		checkClassified(t, "POP3 "+text, fuzzProbe(account.POP3).classify(&pop3Error{Line: "-ERR " + text}))
	})
}

// FuzzXOAUTH2Challenge: whatever a server sends after the credentials,
// the client answers with an empty, non-nil response (go-smtp takes nil
// for success) and the refusal that follows is classified.
func FuzzXOAUTH2Challenge(f *testing.F) {
	f.Fuzz(func(t *testing.T, challenge []byte) {
		x := &XOAUTH2{User: "anna@contoso.com", Token: "tok"}
		if _, ir, _ := x.Start(); len(ir) == 0 {
			t.Fatal("no initial response")
		}
		resp, err := x.Next(challenge)
		if err != nil || resp == nil || len(resp) != 0 || x.Challenge == nil {
			t.Fatalf("challenge %q answered %q %v, recorded %v", challenge, resp, err, x.Challenge)
		}
		for _, proto := range []account.Protocol{account.IMAP, account.POP3, account.SMTP} {
			p := fuzzProbe(proto)
			var refusal error = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 3}, Message: "Authentication unsuccessful"}
			if proto == account.IMAP {
				refusal = &imap.Error{Type: imap.StatusResponseTypeNo, Code: "AUTHENTICATIONFAILED", Text: "AUTHENTICATE failed."}
			} else if proto == account.POP3 {
				refusal = &pop3Error{Line: "-ERR Authentication failure: unknown user name or bad password."}
			}
			pr := p.classify(p.authError(refusal, x))
			checkClassified(t, "challenge "+string(challenge), pr)
			if s := pr.Args["scope"]; utf8.RuneCountInString(s) > status.EchoMax {
				t.Fatalf("scope %q not cut", s)
			}
		}
	})
}
