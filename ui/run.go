package ui

import (
	"fmt"
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"mailoauth/assets"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// Options start the window.
type Options struct {
	Lang      i18n.Lang
	ConfigDir string // "" = default (flag/env handled by the caller)
	Demo      bool
	// Minimized starts with only the tray icon and the watcher (the start
	// at sign-in), where that leaves a way back to the window.
	Minimized bool
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
	a := fyneapp.NewWithID("de.mailoauth.app")
	// go build leaves Fyne without FyneApp.toml's icon: the window would
	// have none, and the notification area starts with Fyne's broken-image
	// SVG, which Windows cannot take ("Failed to convert systray icon").
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow(i18n.T(opts.Lang, "ui.title", nil))
	var svc *app.Service
	var p *status.Problem
	if opts.Demo {
		svc, p = app.StartDemo(app.Options{Lang: opts.Lang})
		if p == nil {
			w.SetTitle(i18n.T(opts.Lang, "ui.title_demo", nil))
		}
	} else {
		svc, p = app.Open(app.Options{ConfigDir: opts.ConfigDir, Lang: opts.Lang})
	}
	if p != nil {
		// Nothing works without the service; say why in the window (the GUI
		// exe on Windows has no console) and on stderr, then end with 3.
		fmt.Fprintf(os.Stderr, "%s\n%s\n", p.Message(opts.Lang), p.Fix(opts.Lang))
		showStartProblem(w, p, opts.Lang)
		w.ShowAndRun()
		return 3
	}
	defer svc.Close()
	// One window per config folder: a second start brings this one to the
	// front and ends.
	raise := make(chan struct{}, 1)
	var release func()
	if !opts.Demo {
		rel, first, ip := svc.ClaimWindow(func() {
			select {
			case raise <- struct{}{}:
			default:
			}
		})
		if !first {
			return 0
		}
		release = rel
		defer release()
		if ip != nil {
			fmt.Fprintln(os.Stderr, ip.Message(opts.Lang))
		}
	}
	u := NewAccounts(svc, opts.Lang, w)
	w.SetContent(u.Object)
	set, sp := svc.Settings()
	if sp != nil {
		u.status.SetText(sp.Message(opts.Lang))
	}
	size := fyne.NewSize(1280, 760)
	if set.Window.Width >= 640 && set.Window.Height >= 400 {
		size = fyne.NewSize(set.Window.Width, set.Window.Height)
	}
	w.Resize(size)
	lv := newLiving(u, a, w, newFyneDesktop(a), set)
	lv.startWatching(svc)
	if ap := svc.FollowAutostart(); ap != nil {
		u.status.SetText(ap.Message(opts.Lang))
	}
	go func() {
		for range raise {
			fyne.Do(lv.show)
		}
	}()
	lv.start(opts.Minimized)
	a.Run()
	lv.stop()
	return 0
}

// showStartProblem fills the window with why the program cannot start and
// what to do, and a button that quits.
func showStartProblem(w fyne.Window, p *status.Problem, lang i18n.Lang) {
	text := widget.NewLabel(problemText(p, lang))
	text.Wrapping = fyne.TextWrapWord
	quit := widget.NewButton(i18n.T(lang, "ui.close", nil), w.Close)
	w.SetContent(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), quit), nil, nil, text))
	w.Resize(fyne.NewSize(640, 240))
}
