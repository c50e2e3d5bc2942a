package ui

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/secret"
)

// Options start the window.
type Options struct {
	Lang      i18n.Lang
	ConfigDir string // "" = default (flag/env handled by the caller)
	Demo      bool
}

// Run opens the "Konten verwalten" window and returns the exit code.
func Run(opts Options) int {
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		// Without a display GLFW would panic; say what to do instead.
		fmt.Fprintln(os.Stderr, i18n.T(opts.Lang, "ui.no_display", nil))
		return 3
	}
	// MAILOAUTH_SKIP_GL_CHECK is the way out should the probe ever be wrong
	// about a driver that Fyne can use after all.
	if os.Getenv("MAILOAUTH_SKIP_GL_CHECK") == "" && openGLProblem(opts.Lang) != "" {
		return 3
	}
	a := app.NewWithID("de.mailoauth.app")
	w := a.NewWindow(i18n.T(opts.Lang, "ui.title", nil))
	var svc Service
	if opts.Demo {
		ds, cleanup, err := startDemo(opts.Lang)
		if err != nil {
			dialog.ShowError(err, w)
		} else {
			defer cleanup()
			svc = ds
			w.SetTitle(i18n.T(opts.Lang, "ui.title_demo", nil))
		}
	}
	if svc == nil {
		dir, err := account.ConfigDir(opts.ConfigDir)
		if err != nil {
			return 3
		}
		svc = newCoreService(dir, secret.NewKeyring(), nil, &http.Client{Timeout: time.Minute}, opts.Lang)
	}
	u := NewAccounts(svc, opts.Lang, w)
	w.SetContent(u.Object)
	w.Resize(fyne.NewSize(1100, 700))
	if opts.Demo {
		u.check(nil)
	}
	w.ShowAndRun()
	return 0
}

// startDemo runs the sandbox in-process with a temporary config dir, a
// memory keyring and three accounts: one all green, one not yet authorized
// (yellow) and one whose login has no rights on its mailbox (red).
func startDemo(lang i18n.Lang) (Service, func(), error) {
	// The consent page stays on, so the user's own browser shows it when
	// they click Authorize (it will warn about the sandbox's private CA).
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "mailoauth-demo-")
	if err != nil {
		sb.Close()
		return nil, nil, err
	}
	cleanup := func() { sb.Close(); os.RemoveAll(dir) }
	hc := sb.Identity.HTTPClient()
	svc := newCoreService(filepath.Join(dir, "config"), &secret.Memory{}, sb.CA.Pool(), hc, lang)
	// The demo accounts are signed in at start by a stand-in browser that
	// accepts the consent page inside the process; afterwards Authorize
	// uses the system browser.
	svc.browser = consentingBrowser(hc)
	defer func() { svc.browser = nil }()
	tenant := sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/"
	d := sb.Identity.Domains()[0]
	svc.suggest = account.Input{Tenant: tenant, ClientID: identity.PublicClientID, Login: "dora@" + d,
		IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr()}
	for _, x := range []struct{ name, login, mailbox string }{
		{"demo-gruen", "anna@" + d, ""}, {"demo-gelb", "bernd@" + d, ""}, {"demo-rot", "carla@" + d, "info@" + d},
	} {
		a, probs := account.Input{Name: x.name, Login: x.login, Mailbox: x.mailbox, Tenant: tenant, ClientID: identity.PublicClientID,
			IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr(), SMTPSecurity: "starttls"}.Build()
		if len(probs) > 0 {
			cleanup()
			return nil, nil, probs[0]
		}
		if p := svc.store.Add(a); p != nil {
			cleanup()
			return nil, nil, p
		}
		if x.name != "demo-gelb" {
			if _, p := svc.Authorize(context.Background(), x.name, nil, nil); p != nil {
				cleanup()
				return nil, nil, p
			}
		}
	}
	return svc, cleanup, nil
}

// consentingBrowser follows a sign-in like a user who clicks Accept.
func consentingBrowser(hc *http.Client) func(string) error {
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return func(u string) error {
		resp, err := c.Get(u)
		if err != nil {
			return err
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			id := between(string(page), `name="request" value="`, `"`)
			user := between(string(page), `name="user" value="`, `"`)
			action := strings.Replace(u[:strings.Index(u, "?")], "/authorize", "/consent", 1)
			resp, err = c.PostForm(action, url.Values{"request": {id}, "user": {html.UnescapeString(user)}, "answer": {"accept"}})
			if err != nil {
				return err
			}
			resp.Body.Close()
		}
		if loc := resp.Header.Get("Location"); loc != "" {
			r, err := http.Get(loc)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
		return nil
	}
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	if j := strings.Index(s, b); j >= 0 {
		return s[:j]
	}
	return ""
}
