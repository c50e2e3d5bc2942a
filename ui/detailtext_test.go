package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// TestStepsInTheUsersLanguage: step names and marks follow the language; a
// raw system text (a Go error) is a detail line below the failed step,
// never part of it, and not repeated when the problem shows it already; a
// step the catalogue does not know keeps its name.
func TestStepsInTheUsersLanguage(t *testing.T) {
	raw := "dial tcp: lookup outlook.office365.com on 127.0.0.53:53: no such host"
	steps := []status.Step{{Name: "tls", Duration: 35 * time.Millisecond, OK: true, Reply: "TLS 1.3 TLS_AES_128_GCM_SHA256"},
		{Name: "connect", Duration: 41 * time.Millisecond, Reply: raw}, {Name: "xoauth", OK: true}}
	for lang, want := range map[i18n.Lang]string{
		i18n.DE: "TLS-Verschlüsselung — 35 ms — TLS 1.3 TLS_AES_128_GCM_SHA256\nVerbindung aufbauen — fehlgeschlagen nach 41 ms\nDetails: " + raw + "\nxoauth — 0 ms",
		i18n.EN: "TLS encryption — 35 ms — TLS 1.3 TLS_AES_128_GCM_SHA256\nConnect — failed after 41 ms\nDetails: " + raw + "\nxoauth — 0 ms",
	} {
		u := &Accounts{lang: lang}
		if got := stepsText(steps, "", u); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", lang, got, want)
		}
		if got := stepsText(steps, raw, u); strings.Contains(got, raw) {
			t.Errorf("%s: the raw text shown twice:\n%s", lang, got)
		}
	}
	p := status.New(status.Red, "secret.unavailable").WithDetail(`exec: "dbus-launch": executable file not found in $PATH`)
	got := problemDetailText(p, i18n.DE)
	if !strings.HasPrefix(got, "Es ist kein Schlüsselbund erreichbar") || !strings.HasSuffix(got, "\nDetails: exec: \"dbus-launch\": executable file not found in $PATH") {
		t.Errorf("problem: %q", got)
	}
}

// TestAccountWideProblemSaidOnce: a problem that comes back word for word
// under each protocol (here: not authorized) is shown once with its fix;
// the other protocols point to it.
func TestAccountWideProblemSaidOnce(t *testing.T) {
	f := threeAccounts()
	u, _ := newTestWindow(t, f, i18n.EN)
	var rs []status.Result
	for _, p := range []string{"imap", "pop3", "smtp"} {
		rs = append(rs, status.Result{Account: "konto-10", Protocol: p, Level: status.Yellow, At: fixed,
			Problem: status.New(status.Yellow, "tokens.not_authorized", "name", "konto-10")})
	}
	u.showAll(rs)
	u.list.Select(u.index("konto-10"))
	text := allText(u.detail.results)
	if n := strings.Count(text, "not authorized yet"); n != 1 {
		t.Errorf("the problem is said %d times, want once:\n%s", n, text)
	}
	if n := strings.Count(text, "The same as for IMAP."); n != 1 {
		t.Errorf("%d pointers to IMAP, want 1 (POP3 is off on konto-10):\n%s", n, text)
	}
	buttons := 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == u.t("window.authorize_again") {
				buttons++
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(u.detail.results)
	if buttons != 1 {
		t.Errorf("%d Authorize buttons, want 1", buttons)
	}
}
