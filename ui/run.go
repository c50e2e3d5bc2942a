package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
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
	sb, err := sandbox.Start(sandbox.Options{AutoConsent: true})
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
	// The demo's "browser" follows the sign-in inside the process.
	svc.browser = func(u string) error {
		resp, err := hc.Get(u)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return err
	}
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
			if _, p := svc.Authorize(context.Background(), x.name, nil); p != nil {
				cleanup()
				return nil, nil, p
			}
		}
	}
	return svc, cleanup, nil
}
