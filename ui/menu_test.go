package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// TestMenuHoldsTheRest: the main menu has the settings, the log folder,
// Remove all data (which asks first) and About (with the config folder).
func TestMenuHoldsTheRest(t *testing.T) {
	f := threeAccounts()
	u, w := newTestWindow(t, f, i18n.EN)
	items := map[string]*fyne.MenuItem{}
	for _, m := range w.MainMenu().Items {
		for _, it := range m.Items {
			items[it.Label] = it
		}
	}
	for _, l := range []string{"Settings …", "Open log folder", "Remove all data …", "About …"} {
		if items[l] == nil || items[l].Action == nil {
			t.Fatalf("menu lacks %q: %v", l, items)
		}
	}
	items["Remove all data …"].Action()
	ov := w.Canvas().Overlays().Top()
	if ov == nil || findButton(ov, "Yes") == nil || len(f.accounts) != 3 {
		t.Fatal("Remove all data did not ask first")
	}
	findButton(ov, "No").OnTapped()
	items["About …"].Action()
	if _, ok := findIn(w.Canvas().Overlays().Top(), func(l *widget.Label) bool { return l.Text == f.ConfigDir() }); !ok {
		t.Error("About lacks the config folder")
	}
	items["Settings …"].Action()
	if _, ok := findIn(w.Canvas().Overlays().Top(), func(c *widget.Check) bool { return c.Text == u.t("window.set_notify") }); !ok {
		t.Error("Settings … opened no settings dialog")
	}
}

// TestRemedyBesideTheProblem: beside a problem another sign-in does not
// cure the detail offers its own fix — admin consent for withdrawn consent
// (AADSTS65001), a new client secret for an expired one (AADSTS7000222) —
// and no "Authorize again"; for a blocked sign-in (53003) only the text; a
// check's warning of an ending client secret offers the new secret too.
func TestRemedyBesideTheProblem(t *testing.T) {
	for code, want := range map[string]string{"entra.aadsts.65001": "Grant admin consent", "entra.aadsts.7000222": "Enter a new client secret",
		"entra.aadsts.50173": "Authorize again", "entra.aadsts.53003": "", "results.secret.expires_soon": "Enter a new client secret"} {
		u, _ := newTestWindow(t, threeAccounts(), i18n.EN)
		u.show(status.Result{Account: "konto-10", Protocol: "imap", Level: status.Red, At: fixed, Problem: status.New(status.Red, code)})
		u.list.Select(u.index("konto-10"))
		for _, b := range []string{"Grant admin consent", "Enter a new client secret", "Authorize again"} {
			if got := findButton(u.detail.Object, b) != nil; got != (b == want) {
				t.Errorf("%s: button %q shown %v", code, b, got)
			}
		}
	}
}

// checkedNames records the names of every check; each check waits for
// release.
type checkedNames struct {
	*fakeService
	mu      sync.Mutex
	names   [][]string
	release chan struct{}
}

func (c *checkedNames) Check(ctx context.Context, names []string, o app.CheckOptions, report func(status.Result)) ([]status.Result, *status.Problem) {
	c.mu.Lock()
	c.names = append(c.names, names)
	c.mu.Unlock()
	<-c.release
	return c.fakeService.Check(ctx, names, o, report)
}

// TestAuthorizeChecksTheSharedSignIn: authorizing one account of a shared
// sign-in says which others it serves and checks them too — they would
// say "not authorized" until the next round.
func TestAuthorizeChecksTheSharedSignIn(t *testing.T) {
	f := &checkedNames{fakeService: threeAccounts(), release: make(chan struct{})}
	f.authorized = &app.Authorized{User: "anna@contoso.com", Shared: []string{"konto-2", "konto-10"}}
	u, _ := newTestWindow(t, f, i18n.EN)
	u.authorize("konto-1")
	// While the check runs the status line says whom the sign-in serves
	// (read under the window's one-at-a-time lock).
	status := ""
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(status, "serves konto-2, konto-10") && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		u.doMu.Lock()
		status = u.status.Text
		u.doMu.Unlock()
	}
	close(f.release)
	u.running.Wait()
	if !strings.Contains(status, "serves konto-2, konto-10") {
		t.Errorf("status while checking: %q", status)
	}
	if len(f.names) != 1 || strings.Join(f.names[0], " ") != "konto-1 konto-2 konto-10" {
		t.Errorf("checked %v, want the three of the sign-in", f.names)
	}
}

// TestTokenHealthWithoutAUser: a sign-in whose token named nobody says when
// it was authorized, without an empty "as".
func TestTokenHealthWithoutAUser(t *testing.T) {
	f := threeAccounts()
	f.health = map[string]app.TokenHealth{"konto-2": {AuthorizedAt: fixed.Add(-24 * time.Hour)}}
	u, _ := newTestWindow(t, f, i18n.EN)
	u.list.Select(u.index("konto-2"))
	if text := allText(u.detail.Object); !strings.Contains(text, "Authorized 2026-11-23 09:30.\n") || strings.Contains(text, " as .") {
		t.Errorf("token health:\n%s", text)
	}
}
