package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailoauth/core/account"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/results"
	"mailoauth/core/status"
)

func testAccount(name, login string) account.Account {
	return account.Account{Name: name, Login: login, Authority: "https://login.microsoftonline.com", Tenant: "contoso.onmicrosoft.com",
		ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718", Flow: account.FlowBrowser,
		IMAP: account.DefaultServer(account.IMAP), POP3: account.DefaultServer(account.POP3), SMTP: account.DefaultServer(account.SMTP)}
}

// kept is a stored result: every protocol at level, the problem on the
// worst one.
func kept(name string, level status.Level, p *status.Problem, at, redSince time.Time) app.LastResult {
	e := app.LastResult{Account: name, Level: level, CheckedAt: at, RedSince: redSince, Protocols: map[string]results.Protocol{}}
	for _, pr := range account.Protocols {
		e.Protocols[string(pr)] = results.Protocol{Level: status.Green, DurationMS: 120}
	}
	if p != nil {
		e.Protocols["smtp"] = results.Protocol{Level: level, DurationMS: 340, Problem: &results.Problem{Level: level, Code: p.Code, Args: p.Args, Protocol: "smtp"}}
	}
	return e
}

// threeAccounts: konto-10 green, konto-2 red for two days, konto-1 yellow
// and muted.
func threeAccounts() *fakeService {
	a1, a2, a10 := testAccount("konto-1", "anna@contoso.com"), testAccount("konto-2", "ben@contoso.com"), testAccount("konto-10", "carla@contoso.com")
	a1.Muted = true
	a2.Mailbox = "buchhaltung@contoso.com"
	a2.Note = "Drucker im 2. Stock"
	a10.POP3 = account.Server{}
	red := status.New(status.Red, "mailcheck.smtp.auth_disabled_mailbox", "mailbox", "buchhaltung@contoso.com")
	yellow := status.New(status.Yellow, "mailcheck.temporary", "protocol", "SMTP")
	return &fakeService{accounts: []account.Account{a1, a10, a2}, kept: map[string]app.LastResult{
		"konto-1":  kept("konto-1", status.Yellow, yellow, fixed, time.Time{}),
		"konto-2":  kept("konto-2", status.Red, red, fixed, fixed.Add(-48*time.Hour)),
		"konto-10": kept("konto-10", status.Green, nil, fixed.Add(-time.Hour), time.Time{}),
	}}
}

func manyAccounts(n int) *fakeService {
	f := &fakeService{kept: map[string]app.LastResult{}}
	red := status.New(status.Red, "mailcheck.smtp.auth_disabled_mailbox", "mailbox", "x@contoso.com")
	yellow := status.New(status.Yellow, "mailcheck.temporary", "protocol", "SMTP")
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("konto-%d", i)
		f.accounts = append(f.accounts, testAccount(name, fmt.Sprintf("user%d@contoso.com", i)))
		switch i % 10 {
		case 3:
			f.kept[name] = kept(name, status.Red, red, fixed, fixed.Add(-3*time.Hour))
		case 6:
			f.kept[name] = kept(name, status.Yellow, yellow, fixed, time.Time{})
		case 9:
			// never checked
		default:
			f.kept[name] = kept(name, status.Green, nil, fixed, time.Time{})
		}
	}
	return f
}

// newTestWindow opens the main window on f at a fixed clock and size.
func newTestWindow(t *testing.T, f Service, lang i18n.Lang) (*Accounts, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 760))
	u := NewAccounts(f, lang, w)
	u.times = timeFormat{loc: time.UTC, now: func() time.Time { return fixed }}
	w.SetContent(u.Object)
	u.Reload()
	return u, w
}

func shownNames(u *Accounts) string {
	var n []string
	for _, s := range u.shown {
		n = append(n, s.acct.Name)
	}
	return strings.Join(n, " ")
}

func TestListGoldens(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		_, w := newTestWindow(t, &fakeService{}, i18n.DE)
		test.AssertRendersToMarkup(t, "list_empty.xml", w.Canvas())
	})
	t.Run("three", func(t *testing.T) {
		_, w := newTestWindow(t, threeAccounts(), i18n.DE)
		test.AssertRendersToMarkup(t, "list_three.xml", w.Canvas())
	})
	t.Run("300", func(t *testing.T) {
		_, w := newTestWindow(t, manyAccounts(300), i18n.DE)
		test.AssertRendersToMarkup(t, "list_300.xml", w.Canvas())
	})
	t.Run("filtered", func(t *testing.T) {
		u, w := newTestWindow(t, manyAccounts(300), i18n.DE)
		u.search.SetText("konto-2")
		u.light.SetSelectedIndex(1) // red
		if got := shownNames(u); got != "konto-23 konto-203 konto-213 konto-223 konto-233 konto-243 konto-253 konto-263 konto-273 konto-283 konto-293" {
			t.Errorf("filtered: %s", got)
		}
		test.AssertRendersToMarkup(t, "list_filtered.xml", w.Canvas())
	})
}

// TestDetailOfRedAccountGolden: selecting the red account shows each
// protocol's problem and fix, the steps with durations, the sign-in, the
// settings, the note and the actions.
func TestDetailOfRedAccountGolden(t *testing.T) {
	f := threeAccounts()
	u, w := newTestWindow(t, f, i18n.DE)
	reply := "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox."
	u.show(status.Result{Account: "konto-2", Protocol: "smtp", Level: status.Red, At: fixed, Duration: 340 * time.Millisecond,
		Problem: status.New(status.Red, "mailcheck.smtp.auth_disabled_mailbox", "mailbox", "buchhaltung@contoso.com").WithDetail(reply),
		Steps: []status.Step{{Name: "connect", Duration: 40 * time.Millisecond, OK: true}, {Name: "starttls", Duration: 90 * time.Millisecond, OK: true},
			{Name: "authenticate", Duration: 210 * time.Millisecond, Reply: reply}}})
	u.list.Select(u.index("konto-2"))
	text := allText(u.detail.Object)
	// Our message and fix first, the server's raw reply once, as a detail
	// line below them; the steps in German.
	for _, want := range []string{"konto-2 — buchhaltung@contoso.com", "rot seit 2026-11-22 09:30", "SMTP rot (340 ms)",
		"Set-CASMailbox", "\nDetails: 535 5.7.139", "Verbindung aufbauen — 40 ms", "Verschlüsselung starten (STARTTLS) — 90 ms",
		"Anmelden (OAuth2) — fehlgeschlagen nach 210 ms", "Drucker im 2. Stock"} {
		if !strings.Contains(text+u.detail.note.Text, want) {
			t.Errorf("detail lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "Authentication unsuccessful") != 1 || strings.Contains(text, "FEHLER") || strings.Contains(text, "ok ") {
		t.Errorf("raw reply repeated or English marks:\n%s", text)
	}
	if i, j := strings.Index(text, "Set-CASMailbox"), strings.Index(text, "Details: 535"); i < 0 || j < i {
		t.Errorf("the raw reply comes before our fix:\n%s", text)
	}
	test.AssertRendersToMarkup(t, "detail_red.xml", w.Canvas())
}

// TestNaturalOrderAndWorstFirst: konto-2 before konto-10; worst first puts
// red, yellow, green, grey, by name within each.
func TestNaturalOrderAndWorstFirst(t *testing.T) {
	u, _ := newTestWindow(t, threeAccounts(), i18n.EN)
	if got := shownNames(u); got != "konto-1 konto-2 konto-10" {
		t.Errorf("by name: %s", got)
	}
	u.order.SetSelectedIndex(sortWorstFirst)
	if got := shownNames(u); got != "konto-2 konto-1 konto-10" {
		t.Errorf("worst first: %s", got)
	}
	// A result that turns konto-10 red moves it up.
	u.show(status.Result{Account: "konto-10", Protocol: "imap", Level: status.Red, At: fixed, Problem: status.New(status.Red, "mailcheck.imap.auth_failed")})
	if got := shownNames(u); got != "konto-2 konto-10 konto-1" {
		t.Errorf("after konto-10 went red: %s", got)
	}
}

// TestSearchFindsNoteTenantMailbox: the search looks into name, login,
// mailbox, tenant and note.
func TestSearchFindsNoteTenantMailbox(t *testing.T) {
	u, _ := newTestWindow(t, threeAccounts(), i18n.EN)
	for q, want := range map[string]string{"drucker": "konto-2", "buchhaltung@": "konto-2", "carla": "konto-10", "onmicrosoft": "konto-1 konto-2 konto-10", "fabrikam": ""} {
		u.search.SetText(q)
		if got := shownNames(u); got != want {
			t.Errorf("%q: %q, want %q", q, got, want)
		}
	}
	u.search.SetText("fabrikam")
	if !u.empty.Visible() || !strings.Contains(u.empty.Text, "No account matches") {
		t.Errorf("empty search: %v %q", u.empty.Visible(), u.empty.Text)
	}
}

// TestKeptResultsShownAtStart: the last results show before any check.
func TestKeptResultsShownAtStart(t *testing.T) {
	u, _ := newTestWindow(t, threeAccounts(), i18n.EN)
	s := u.byName["konto-2"]
	if s.level() != status.Red || !s.redSince().Equal(fixed.Add(-48*time.Hour)) {
		t.Fatalf("konto-2 at start: %s since %s", s.level(), s.redSince())
	}
	row := newListRow()
	row.set(s, i18n.EN, u.times)
	if row.info.Text != "checked 09:30 · red since 2026-11-22 09:30" || !strings.HasPrefix(row.problem.Text, "SMTP: ") {
		t.Errorf("row: %q / %q", row.info.Text, row.problem.Text)
	}
}

// TestKeys: the arrow keys select and show the detail, F5 checks the
// selection, Delete asks before removing.
func TestKeys(t *testing.T) {
	f := threeAccounts()
	f.results = []status.Result{{Account: "konto-2", Protocol: "imap", Level: status.Green, At: fixed}}
	u, w := newTestWindow(t, f, i18n.EN)
	u.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if u.selected != "konto-1" || !u.detail.content.Visible() {
		t.Fatalf("first Down selected %q", u.selected)
	}
	u.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if u.selected != "konto-2" || !strings.Contains(u.detail.title.Text, "konto-2") {
		t.Fatalf("second Down selected %q, detail %q", u.selected, u.detail.title.Text)
	}
	u.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	u.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	u.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	u.running.Wait()
	if _, ok := u.byName["konto-2"].live["imap"]; !ok {
		t.Error("F5 did not check the selection")
	}
	u.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	if len(f.removed) != 0 {
		t.Fatal("Delete removed without asking")
	}
	if findButton(w.Canvas().Overlays().Top(), "Yes") == nil {
		t.Fatal("Delete asked nothing")
	}
}

// TestMuteAndNote: Mute and the note go to the core and show in the list.
func TestMuteAndNote(t *testing.T) {
	f := threeAccounts()
	u, _ := newTestWindow(t, f, i18n.EN)
	u.list.Select(u.index("konto-10"))
	test.Tap(u.detail.mute)
	u.running.Wait()
	if !u.byName["konto-10"].acct.Muted || u.detail.mute.Text != "Unmute" {
		t.Fatalf("not muted: %v %q", u.byName["konto-10"].acct.Muted, u.detail.mute.Text)
	}
	u.detail.note.SetText("Produkt X auf Server Y")
	test.Tap(u.detail.saveBtn)
	u.running.Wait()
	u.search.SetText("server y")
	if got := shownNames(u); got != "konto-10" {
		t.Errorf("search for the note: %q", got)
	}
}

// TestTrayLightIsWorstUnmuted: a muted red account does not make the
// tray red.
func TestTrayLightIsWorstUnmuted(t *testing.T) {
	f := threeAccounts()
	var light status.Level
	u, _ := newTestWindow(t, f, i18n.EN)
	u.onLight = func(l status.Level) { light = l }
	u.refilter()
	if light != status.Red {
		t.Fatalf("tray %s, want red", light)
	}
	_ = f.SetMuted("konto-2", true)
	u.Reload()
	if light != status.Green {
		t.Fatalf("tray %s with konto-2 muted (konto-1 yellow is muted too), want green", light)
	}
}

// TestDetailTokenHealthAndRemedy: the sign-in's health in plain words, and
// "Authorize again" right beside a problem another sign-in cures.
func TestDetailTokenHealthAndRemedy(t *testing.T) {
	f := threeAccounts()
	f.health = map[string]app.TokenHealth{"konto-1": {AuthorizedAt: fixed.Add(-24 * time.Hour), AuthorizedAs: "anna@contoso.com",
		Notes: []*status.Problem{status.New(status.Yellow, "results.token.lapses_soon", "date", "2026-12-01", "days", "7")}}}
	u, _ := newTestWindow(t, f, i18n.EN)
	u.show(status.Result{Account: "konto-1", Protocol: "imap", Level: status.Yellow, At: fixed, Problem: status.New(status.Yellow, "tokens.not_authorized", "name", "konto-1")})
	u.list.Select(u.index("konto-1"))
	text := allText(u.detail.Object)
	for _, want := range []string{"Authorized 2026-11-23 09:30 as anna@contoso.com.", "2026-12-01"} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q:\n%s", want, text)
		}
	}
	if findButton(u.detail.Object, "Authorize again") == nil {
		t.Error("no Authorize again beside a sign-in problem")
	}
	u.list.Select(u.index("konto-2"))
	if findButton(u.detail.Object, "Authorize again") != nil {
		t.Error("Authorize again offered for a mailbox setting")
	}
}

// TestCountsFollowResults: the status bar counts the accounts per light,
// at start from the kept results and again when a result moves a light.
func TestCountsFollowResults(t *testing.T) {
	u, _ := newTestWindow(t, manyAccounts(300), i18n.DE)
	if got, want := u.counts.Text, "300 Konten · 30 rot · 30 gelb · 210 grün · 30 grau"; got != want {
		t.Errorf("at start: %q, want %q", got, want)
	}
	u.showAll([]status.Result{{Account: "konto-1", Protocol: "imap", Level: status.Red, At: fixed,
		Problem: status.New(status.Red, "mailcheck.imap.auth_failed", "mailbox", "user1@contoso.com", "login", "user1@contoso.com")}})
	if got, want := u.counts.Text, "300 Konten · 31 rot · 30 gelb · 209 grün · 30 grau"; got != want {
		t.Errorf("after konto-1 went red: %q, want %q", got, want)
	}
	u.search.SetText("konto-2")
	if got, want := u.counts.Text, "111 von 300 Konten angezeigt · 31 rot · 30 gelb · 209 grün · 30 grau"; got != want {
		t.Errorf("searching konto-2: %q, want %q", got, want)
	}
	one, _ := newTestWindow(t, manyAccounts(1), i18n.EN)
	if got, want := one.counts.Text, "1 account · 1 green"; got != want {
		t.Errorf("one account: %q, want %q", got, want)
	}
	none, _ := newTestWindow(t, &fakeService{}, i18n.EN)
	if none.counts.Text != "" {
		t.Errorf("no account: %q", none.counts.Text)
	}
}
