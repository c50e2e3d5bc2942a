package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/card"
	"mailoauth/core/i18n"
	"mailoauth/core/oauth"
	"mailoauth/core/redact"
	"mailoauth/core/status"
)

func TestDiagnosticsAndCard(t *testing.T) {
	a, probs := account.Input{Name: "info", Login: "anna@contoso.com", Mailbox: "info@contoso.com",
		Tenant: "0b3c1a2d-4e5f-6789-abcd-ef0123456789", ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718", POP3: "off"}.Build()
	if len(probs) > 0 {
		t.Fatal(probs[0])
	}
	fields := card.Generic(a, "Gesendete Elemente", i18n.DE)
	text := card.Text(fields)
	for _, want := range []string{"https://login.microsoftonline.com/0b3c1a2d-4e5f-6789-abcd-ef0123456789/", "http://localhost",
		"https://outlook.office.com/IMAP.AccessAsUser.All", "smtp.office365.com", "STARTTLS", "Gesendete Elemente", "Umleitungs-URI"} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "POP") {
		t.Error("disabled POP3 on the card")
	}
	secret := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4In0.c2lnbmF0dXJlLXZhbHVlLXNlY3JldA"
	redact.Add("refresh-token-value-123456")
	res := []status.Result{{Protocol: "imap", Level: status.Red, Duration: 30 * time.Millisecond,
		Steps:   []status.Step{{Name: "authenticate", Reply: "NO AUTHENTICATE failed. " + secret}},
		Problem: status.New(status.Red, "mailcheck.imap.auth_failed", "mailbox", "info@contoso.com").WithDetail("refresh-token-value-123456")}}
	c := &oauth.Claims{UPN: "bob@contoso.com", Aud: "https://outlook.office.com", Scp: "IMAP.AccessAsUser.All"}
	// The report names the proxy the sign-in goes through (never its password).
	t.Setenv("HTTPS_PROXY", "http://corp:pw-in-proxy@proxy.corp.example:3128")
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	out := Diagnostics(a, c, nil, res, i18n.EN, time.Now())
	if !strings.Contains(out, "Proxy for "+a.Authority+"/: http://proxy.corp.example:3128 (from HTTPS_PROXY/HTTP_PROXY)") || strings.Contains(out, "pw-in-proxy") {
		t.Errorf("proxy line:\n%s", out)
	}
	if strings.Contains(out, secret) || strings.Contains(out, "refresh-token-value") {
		t.Errorf("secret in report:\n%s", out)
	}
	for _, want := range []string{"bob@contoso.com", "Signed in as bob@contoso.com", "lacks the permission SMTP.Send", "AUTHENTICATE failed", "authenticate"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestLogTrouble(t *testing.T) {
	if LogTrouble(nil, i18n.EN) != "" {
		t.Error("a section without trouble")
	}
	got := LogTrouble(errors.New("log: rotating mailoauth.log failed, writing on in it: access denied"), i18n.DE)
	if !strings.Contains(got, "Protokoll") || !strings.Contains(got, "access denied") {
		t.Errorf("%q", got)
	}
}
