package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/account"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

type fakeService struct {
	accounts []account.Account
	results  []status.Result
	removed  []string
	products []string // the product of every Card call
	// authorized, when set, is what Authorize answers.
	authorized *app.Authorized
}

func (f *fakeService) Accounts() ([]account.Account, *status.Problem) { return f.accounts, nil }
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
	row := u.rows["info"]
	if row.lights["imap"].Level != status.Green || row.lights["smtp"].Level != status.Red || row.overall.Level != status.Red {
		t.Fatalf("lights: imap %s smtp %s overall %s", row.lights["imap"].Level, row.lights["smtp"].Level, row.overall.Level)
	}
	if row.lights["pop3"].Level != status.Grey {
		t.Error("disabled POP3 not grey")
	}
	// The problem shows as text — what is wrong and what to do — not only as a colour.
	if !strings.Contains(row.problem.Text, "SMTP: SMTP AUTH ist für die ganze Organisation ausgeschaltet") ||
		!strings.Contains(row.problem.Text, "Set-TransportConfig -SmtpClientAuthenticationDisabled $false") {
		t.Errorf("problem text: %q", row.problem.Text)
	}
	if !strings.Contains(row.overall.label.Text, "rot") {
		t.Errorf("overall caption %q", row.overall.label.Text)
	}
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
	if !strings.Contains(u.list.Objects[0].(*widget.Label).Text, "No accounts yet") {
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
func (f *fakeService) SendTest(context.Context, string, string, time.Duration) (*app.Sent, *status.Problem) {
	return &app.Sent{Result: status.Result{Level: status.Green}}, nil
}
func (f *fakeService) Diagnostics(context.Context, string, time.Duration) (string, *status.Problem) {
	return "report", nil
}
func (f *fakeService) LogDir() string { return "" }
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
