package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/account"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

type fakeService struct {
	mu       sync.Mutex
	accounts []account.Account
	kept     map[string]app.LastResult
	settings *app.Settings
	// autostartRefused: the start at sign-in cannot be written.
	autostartRefused *status.Problem
	health           map[string]app.TokenHealth
	results          []status.Result
	removed          []string
	products         []string // the product of every Card call
	// authorized, when set, is what Authorize answers.
	authorized *app.Authorized
}

func (f *fakeService) Accounts() ([]account.Account, *status.Problem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]account.Account(nil), f.accounts...), nil
}
func (f *fakeService) Check(_ context.Context, names []string, _ app.CheckOptions, report func(status.Result)) ([]status.Result, *status.Problem) {
	for _, r := range f.results {
		report(r)
	}
	return f.results, nil
}
func (f *fakeService) Authorize(context.Context, string, app.AuthorizeOptions) (*app.Authorized, *status.Problem) {
	if f.authorized != nil {
		return f.authorized, nil
	}
	return &app.Authorized{User: "anna@contoso.com"}, nil
}
func (f *fakeService) AdminConsent(context.Context, string, app.BrowserOptions) *status.Problem {
	return nil
}
func (f *fakeService) Register(context.Context, app.RegisterRequest) (*app.Registered, []*status.Problem) {
	return nil, []*status.Problem{status.New(status.Red, "appreg.no_protocol")}
}
func (f *fakeService) ExchangePowerShell(string) (string, *status.Problem) { return "", nil }
func (f *fakeService) Remove(_ context.Context, name string) *status.Problem {
	f.removed = append(f.removed, name)
	f.accounts = nil
	return nil
}
func (f *fakeService) Card(_, product string) ([]app.CardField, *status.Problem) {
	f.products = append(f.products, product)
	return []app.CardField{{Key: "client_id", Label: "Client-ID " + product, Value: "x"}}, nil
}

// TestCardProductChoice: the settings card opens generic, and choosing a
// product asks the core for that product's card.
func TestCardProductChoice(t *testing.T) {
	test.NewTempApp(t)
	f := &fakeService{accounts: []account.Account{{Name: "info", Login: "info@contoso.com"}}}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(f, i18n.EN, w)
	w.SetContent(u.Object)
	u.showCard("info")
	if len(f.products) != 1 || f.products[0] != "generic" {
		t.Fatalf("opened with %v", f.products)
	}
	if len(u.cardChoice.Options) != len(app.Products()) || u.cardChoice.Options[0] != "Generic (any product)" {
		t.Fatalf("choices %v", u.cardChoice.Options)
	}
	u.cardChoice.SetSelected("HELIUM 5")
	if f.products[len(f.products)-1] != "helium5" {
		t.Errorf("HELIUM 5 asked for %v", f.products)
	}
}

func TestLightsAndProblemText(t *testing.T) {
	test.NewTempApp(t)
	a := account.Account{Name: "info", Login: "info@contoso.com", IMAP: account.DefaultServer(account.IMAP),
		POP3: account.Server{}, SMTP: account.DefaultServer(account.SMTP)}
	notAuth := status.New(status.Yellow, "tokens.not_authorized", "name", "info")
	f := &fakeService{accounts: []account.Account{a}, results: []status.Result{
		{Account: "info", Protocol: "imap", Level: status.Green},
		{Account: "info", Protocol: "smtp", Level: status.Red, Problem: status.New(status.Red, "mailcheck.smtp.auth_disabled_tenant", "mailbox", "info@contoso.com")},
		{Account: "other", Protocol: "imap", Level: status.Yellow, Problem: notAuth},
	}}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(f, i18n.DE, w)
	w.SetContent(u.Object)
	for _, r := range f.results {
		u.show(r)
	}
	s := u.byName["info"]
	imap, _ := s.result(account.IMAP)
	smtp, _ := s.result(account.SMTP)
	if imap.Level != status.Green || smtp.Level != status.Red || s.level() != status.Red {
		t.Fatalf("lights: imap %s smtp %s overall %s", imap.Level, smtp.Level, s.level())
	}
	if _, ok := s.result(account.POP3); ok {
		t.Error("disabled POP3 has a result")
	}
	row := newListRow()
	row.set(s, i18n.DE, u.times)
	if row.overall.label.Text != "rot" || row.protos[1].label.Text != "POP3 –" {
		t.Errorf("row captions %q %q", row.overall.label.Text, row.protos[1].label.Text)
	}
	// In the row the worst problem in one line; in the detail what is
	// wrong and what to do — text, not only a colour.
	if !strings.HasPrefix(row.problem.Text, "SMTP: SMTP AUTH ist für die ganze Organisation ausgeschaltet") {
		t.Errorf("row problem: %q", row.problem.Text)
	}
	u.list.Select(0)
	text := allText(u.detail.Object)
	if !strings.Contains(text, "SMTP AUTH ist für die ganze Organisation ausgeschaltet") ||
		!strings.Contains(text, "Set-TransportConfig -SmtpClientAuthenticationDisabled $false") {
		t.Errorf("detail text: %q", text)
	}
}

// allText is every label's text under o, one per line.
func allText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
			return
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
			return
		case *container.Scroll:
			walk(x.Content)
			return
		}
	}
	walk(o)
	return b.String()
}

func TestRemoveAsksFirst(t *testing.T) {
	test.NewTempApp(t)
	f := &fakeService{accounts: []account.Account{{Name: "info", Login: "info@contoso.com"}}}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(f, i18n.EN, w)
	w.SetContent(u.Object)
	u.remove("info")
	if len(f.removed) != 0 {
		t.Fatal("removed without asking")
	}
	// The confirmation dialog is on the window's overlay; confirm it.
	ov := w.Canvas().Overlays().Top()
	if ov == nil {
		t.Fatal("no confirmation dialog")
	}
	var yes *widget.Button
	var find func(o fyne.CanvasObject)
	find = func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Yes" {
			yes = b
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				find(x)
			}
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, x := range test.WidgetRenderer(w).Objects() {
				find(x)
			}
		}
	}
	find(ov)
	if yes == nil {
		t.Fatal("no Yes button in the dialog")
	}
	test.Tap(yes)
	u.running.Wait() // removing runs off the UI goroutine (keyring I/O)
	if len(f.removed) != 1 || f.removed[0] != "info" {
		t.Fatalf("removed: %v", f.removed)
	}
	if !u.empty.Visible() || !strings.Contains(u.empty.Text, "No accounts yet") {
		t.Error("list not reloaded")
	}
}

func (f *fakeService) Add(_ context.Context, in account.Input, _ string) (*app.Saved, []*status.Problem) {
	a, probs := in.Build()
	if len(probs) > 0 {
		return nil, probs
	}
	f.accounts = append(f.accounts, *a)
	return &app.Saved{Account: a}, nil
}
func (f *fakeService) AddMailboxes(ctx context.Context, in account.Input, boxes []string, secret string) ([]*app.Saved, []*status.Problem) {
	if len(boxes) <= 1 {
		if len(boxes) == 1 {
			in.Mailbox = boxes[0]
		}
		sv, probs := f.Add(ctx, in, secret)
		if len(probs) > 0 {
			return nil, probs
		}
		return []*app.Saved{sv}, nil
	}
	var out []*app.Saved
	for _, b := range boxes {
		x := in
		x.Name, x.Mailbox = app.MailboxAccountName(in.Name, b), b
		sv, probs := f.Add(ctx, x, secret)
		if len(probs) > 0 {
			return nil, probs
		}
		out = append(out, sv)
	}
	return out, nil
}
func (f *fakeService) SendTest(context.Context, string, string, time.Duration) (*app.Sent, *status.Problem) {
	return &app.Sent{Result: status.Result{Level: status.Green}}, nil
}
func (f *fakeService) Diagnostics(context.Context, string, time.Duration) (string, *status.Problem) {
	return "report", nil
}
func (f *fakeService) LogDir() string      { return "" }
func (f *fakeService) Logf(string, ...any) {}
func (f *fakeService) ConfigDir() string   { return "/home/anna/.config/mailoauth" }
func (f *fakeService) LastResults() (map[string]app.LastResult, *status.Problem) {
	return f.kept, nil
}
func (f *fakeService) SetMuted(name string, muted bool) *status.Problem {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.accounts {
		if f.accounts[i].Name == name {
			f.accounts[i].Muted = muted
		}
	}
	return nil
}
func (f *fakeService) Settings() (app.Settings, *status.Problem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.settings == nil {
		s := app.DefaultSettings()
		f.settings = &s
	}
	return *f.settings, nil
}
func (f *fakeService) UpdateSettings(fn func(*app.Settings)) *status.Problem {
	s, _ := f.Settings()
	was := s.StartWithWindows
	fn(&s)
	var p *status.Problem
	if s.StartWithWindows != was && f.autostartRefused != nil {
		// What the service does: the setting stays, the others are saved.
		s.StartWithWindows, p = was, f.autostartRefused
	}
	f.mu.Lock()
	f.settings = &s
	f.mu.Unlock()
	return p
}
func (f *fakeService) AutostartOffered() *status.Problem { return nil }
func (f *fakeService) TokenHealth(name string) (app.TokenHealth, *status.Problem) {
	return f.health[name], nil
}
func (f *fakeService) SetNote(name, note string) *status.Problem {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.accounts {
		if f.accounts[i].Name == name {
			f.accounts[i].Note = note
		}
	}
	return nil
}
func (f *fakeService) RemoveAll(context.Context) *status.Problem {
	f.accounts = nil
	return nil
}

func (f *fakeService) Suggest() account.Input { return account.Input{} }

func (f *fakeService) Update(_ context.Context, in account.Input, _ string) (*app.Saved, []*status.Problem) {
	a, probs := in.Build()
	if len(probs) > 0 {
		return nil, probs
	}
	for i := range f.accounts {
		if f.accounts[i].Name == a.Name {
			f.accounts[i] = *a
		}
	}
	return &app.Saved{Account: a}, nil
}
