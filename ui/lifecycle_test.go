package ui

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/account"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

// waitOrFail waits for wg, failing the test after limit: a sign-in or
// check that outlives its window would run on for minutes.
func waitOrFail(t *testing.T, wg *sync.WaitGroup, limit time.Duration, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("%s still running after %s", what, limit)
	}
}

// findButton finds a button by its text in a canvas object tree.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil {
			return
		}
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				walk(x)
			}
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, x := range test.WidgetRenderer(w).Objects() {
				walk(x)
			}
		}
	}
	walk(o)
	return found
}

// loopbackRecorder is a browser that opens nothing and hands out the
// sign-in address, whose redirect_uri names the loopback listener.
func loopbackRecorder() (func(string) error, chan string) {
	urls := make(chan string, 4)
	return func(u string) error { urls <- u; return nil }, urls
}

// listenerOf is the host:port of the loopback listener a sign-in address
// redirects to.
func listenerOf(t *testing.T, signIn string) string {
	t.Helper()
	u, err := url.Parse(signIn)
	if err != nil {
		t.Fatal(err)
	}
	r, err := url.Parse(u.Query().Get("redirect_uri"))
	if err != nil || r.Port() == "" {
		t.Fatalf("no loopback redirect in %s", signIn)
	}
	return net.JoinHostPort("127.0.0.1", r.Port())
}

func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err == nil
}

// TestClosingWizardEndsSignIn: closing the wizard's window during a sign-in
// closes the loopback listener at once instead of after five minutes.
func TestClosingWizardEndsSignIn(t *testing.T) {
	test.NewTempApp(t)
	browser, urls := loopbackRecorder()
	sb, svc := sandboxService(t, sandbox.Options{}, i18n.EN, browser)
	w := test.NewTempWindow(t, nil)
	z := NewWizard(svc, i18n.EN, w, nil)
	w.SetContent(z.Object)
	fillWizard(t, z, sb, "zu", identity.PublicClientID, account.FlowBrowser, "anna@contoso.example")
	test.Tap(z.authBtn)
	addr := listenerOf(t, <-urls)
	if !listening(addr) {
		t.Fatal("the sign-in listens nowhere")
	}
	z.Close()
	waitOrFail(t, &z.running, 5*time.Second, "the wizard's sign-in")
	if listening(addr) {
		t.Error("the loopback listener is still open after the wizard closed")
	}
}

// TestCancellingAuthorizeDialogEndsSignIn: the main window's sign-in shows a
// dialog; its Cancel ends the sign-in and its listener.
func TestCancellingAuthorizeDialogEndsSignIn(t *testing.T) {
	test.NewTempApp(t)
	browser, urls := loopbackRecorder()
	sb, svc := sandboxService(t, sandbox.Options{}, i18n.EN, browser)
	in := app.Input{Name: "d", Login: "anna@contoso.example", Tenant: sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/",
		ClientID: identity.PublicClientID, IMAP: sb.Mail.IMAPAddr(), POP3: "off", SMTP: "off"}
	if _, probs := svc.Add(context.Background(), in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(svc, i18n.EN, w)
	w.SetContent(u.Object)
	u.authorize("d")
	addr := listenerOf(t, <-urls)
	cancel := findButton(w.Canvas().Overlays().Top(), "Cancel")
	if cancel == nil {
		t.Fatal("no Cancel in the sign-in dialog")
	}
	test.Tap(cancel)
	waitOrFail(t, &u.running, 5*time.Second, "the window's sign-in")
	if listening(addr) {
		t.Error("the loopback listener is still open after Cancel")
	}
}

// blockingService's checks run until they are cancelled.
type blockingService struct {
	fakeService
	started chan string
	ended   chan string
}

func (b *blockingService) Check(ctx context.Context, names []string, _ app.CheckOptions, _ func(status.Result)) ([]status.Result, *status.Problem) {
	b.started <- strings.Join(names, ",")
	<-ctx.Done()
	b.ended <- strings.Join(names, ",")
	return nil, nil
}

// TestStopStopsEveryCheck: Stop ends all running checks, not only the last
// one started.
func TestStopStopsEveryCheck(t *testing.T) {
	test.NewTempApp(t)
	b := &blockingService{started: make(chan string, 2), ended: make(chan string, 2)}
	b.accounts = []account.Account{{Name: "a", Login: "a@contoso.com"}, {Name: "b", Login: "b@contoso.com"}}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(b, i18n.EN, w)
	w.SetContent(u.Object)
	u.check([]string{"a"})
	u.check([]string{"b"})
	<-b.started
	<-b.started
	test.Tap(u.stop)
	waitOrFail(t, &u.running, 5*time.Second, "a check after Stop")
	if len(b.ended) != 2 {
		t.Fatalf("%d of 2 checks ended", len(b.ended))
	}
}

// TestWindowActionsLog: what the window does is in the log, as for the CLI,
// redacted.
func TestWindowActionsLog(t *testing.T) {
	test.NewTempApp(t)
	sb, svc := sandboxService(t, sandbox.Options{}, i18n.EN, nil)
	in := app.Input{Name: "log", Login: "anna@contoso.example", Tenant: sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/",
		ClientID: identity.PublicClientID, IMAP: sb.Mail.IMAPAddr(), POP3: "off", SMTP: "off"}
	if _, probs := svc.Add(context.Background(), in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(svc, i18n.EN, w)
	w.SetContent(u.Object)
	u.authorize("log")
	// The sign-in starts the check when it is done: wait for its line.
	var data []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		data, _ = os.ReadFile(filepath.Join(svc.LogDir(), "mailoauth.log"))
		if strings.Contains(string(data), "check log imap:") {
			break
		}
	}
	waitOrFail(t, &u.running, 20*time.Second, "sign-in and check")
	for _, want := range []string{"authorized log as anna@contoso.example", "check log imap: green"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the log lacks %q:\n%s", want, data)
		}
	}
	for _, tok := range sb.Identity.Issued() {
		if strings.Contains(string(data), tok) {
			t.Fatal("a token reached the log")
		}
	}
}

// TestWizardTrustsTheCoreOnWhoSignedIn: a token that names nobody is no
// reason to warn (the core decides); the core's warnings are shown.
func TestWizardTrustsTheCoreOnWhoSignedIn(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		res  app.Authorized
		want string
		not  string
	}{
		{app.Authorized{User: ""}, "", "Warning"},
		{app.Authorized{User: "anna@contoso.com", Warnings: []*status.Problem{status.New(status.Red, "oauth.missing_scope", "scope", "POP.AccessAsUser.All", "protocol", "POP3")}},
			"POP.AccessAsUser.All", ""},
	} {
		f := &fakeService{authorized: &tc.res}
		w := test.NewTempWindow(t, nil)
		z := NewWizard(f, i18n.EN, w, nil)
		w.SetContent(z.Object)
		tapNext(z)
		z.name.SetText("x")
		z.tenant.SetText("contoso.onmicrosoft.com")
		z.clientID.SetText("1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718")
		tapNext(z)
		z.login.SetText("anna@contoso.com")
		tapNext(z)
		z.running.Wait()
		test.Tap(z.authBtn)
		z.running.Wait()
		if tc.want != "" && !strings.Contains(z.authStatus.Text, tc.want) {
			t.Errorf("%+v: status %q lacks %q", tc.res, z.authStatus.Text, tc.want)
		}
		if tc.not != "" && strings.Contains(z.authStatus.Text, tc.not) {
			t.Errorf("%+v: status %q warns", tc.res, z.authStatus.Text)
		}
	}
}

// failingWriter is a file that cannot be written (a full or read-only disk).
type failingWriter struct{ closed bool }

func (f *failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }
func (f *failingWriter) Close() error              { f.closed = true; return nil }
func (f *failingWriter) URI() fyne.URI             { return nil }

// TestFailedReportSaveIsShown: saving the diagnostics report to a disk that
// refuses says so instead of closing as if it had worked.
func TestFailedReportSaveIsShown(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(&fakeService{}, i18n.EN, w)
	w.SetContent(u.Object)
	fw := &failingWriter{}
	u.saveReport(fw, nil, "report")
	if !fw.closed || !strings.Contains(u.status.Text, "no space left on device") {
		t.Fatalf("status after a failed save: %q (closed %v)", u.status.Text, fw.closed)
	}
}

// TestStartProblemIsShown: when the service cannot start (no usable config
// folder), the window says why and what to do.
func TestStartProblemIsShown(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	showStartProblem(w, status.New(status.Red, "cli.config_dir", "dir", "/nope"), i18n.EN)
	text := findLabel(w.Content(), "/nope")
	if text == "" || !strings.Contains(text, "--config-dir") {
		t.Fatalf("start problem shown as %q", text)
	}
}

func findLabel(o fyne.CanvasObject, part string) string {
	if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, part) {
		return l.Text
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, x := range c.Objects {
			if s := findLabel(x, part); s != "" {
				return s
			}
		}
	}
	return ""
}
