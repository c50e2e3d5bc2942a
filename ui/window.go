package ui

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
	"mailoauth/core/version"
)

// row is one account in the "Konten verwalten" window.
type row struct {
	name    string
	overall *Light
	lights  map[string]*Light
	when    *widget.Label
	problem *widget.Label
	results map[string]status.Result
}

// Accounts is the main window's content: every account with its lights.
type Accounts struct {
	svc    Service
	lang   i18n.Lang
	win    fyne.Window
	list   *fyne.Container
	rows   map[string]*row
	last   map[string]status.Result // by account/protocol, kept across reloads
	status *widget.Label
	stop   *widget.Button
	// ctx ends with the window: every sign-in, check and dialog's work
	// started from it stops then instead of updating dead widgets.
	ctx   context.Context
	close context.CancelFunc
	// checks holds the cancel of every running check, so Stop ends all of
	// them, not only the last one started.
	checksMu sync.Mutex
	checks   map[int]context.CancelFunc
	checkSeq int
	// showMu guards rows' results: with the GL driver fyne.Do already runs
	// everything on one goroutine, the test driver does not.
	showMu     sync.Mutex
	cardChoice *widget.Select // the open settings card's product choice, for tests
	// running counts background work, so tests (and closing) can wait for it.
	running sync.WaitGroup
	Object  fyne.CanvasObject
}

// tr renders a catalogue text with key, value pairs.
func tr(lang i18n.Lang, key string, args ...string) string {
	return i18n.T(lang, key, i18n.Pairs(args...))
}

func (u *Accounts) t(key string, args ...string) string { return tr(u.lang, key, args...) }

// NewAccounts builds the window content.
func NewAccounts(svc Service, lang i18n.Lang, win fyne.Window) *Accounts {
	u := &Accounts{svc: svc, lang: lang, win: win, rows: map[string]*row{}, last: map[string]status.Result{}, checks: map[int]context.CancelFunc{}}
	u.ctx, u.close = context.WithCancel(context.Background())
	u.list = container.NewVBox()
	u.status = widget.NewLabel("")
	checkAll := widget.NewButton(u.t("ui.check_all"), func() { u.check(nil) })
	add := widget.NewButton(u.t("ui.add"), u.openWizard)
	add.Importance = widget.HighImportance
	about := widget.NewButton(u.t("ui.about"), func() {
		dialog.ShowInformation(u.t("ui.about"), u.t("ui.about_text", "version", version.String()), win)
	})
	logs := widget.NewButton(u.t("ui.open_logs"), func() {
		if d := svc.LogDir(); d != "" {
			if err := fyne.CurrentApp().OpenURL(&url.URL{Scheme: "file", Path: d}); err != nil {
				u.status.SetText(d)
			}
		}
	})
	wipe := widget.NewButton(u.t("ui.remove_all"), func() {
		dialog.ShowConfirm(u.t("ui.remove_all"), u.t("ui.remove_all_confirm"), func(ok bool) {
			if !ok {
				return
			}
			u.stopChecks()
			// Keyring I/O: a locked keyring can take many seconds.
			u.background(func(ctx context.Context) {
				p := svc.RemoveAll(ctx)
				fyne.Do(func() {
					if p != nil {
						u.status.SetText(p.Message(u.lang))
					}
					u.Reload()
				})
			})
		}, win)
	})
	u.stop = widget.NewButton(u.t("ui.wiz.cancel"), u.stopChecks)
	u.stop.Hide()
	bar := container.NewHBox(add, checkAll, u.stop, logs, about, wipe)
	u.Object = container.NewBorder(container.NewVBox(widget.NewLabelWithStyle(u.t("ui.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), bar),
		u.status, nil, nil, container.NewVScroll(u.list))
	u.Reload()
	return u
}

// Reload rebuilds the list from the store.
func (u *Accounts) Reload() {
	list, p := u.svc.Accounts()
	u.list.RemoveAll()
	u.rows = map[string]*row{}
	if p != nil {
		u.status.SetText(p.Message(u.lang))
	}
	if len(list) == 0 {
		u.list.Add(widget.NewLabel(u.t("ui.no_accounts")))
	}
	for i := range list {
		u.list.Add(u.newRow(&list[i]))
	}
	last := make([]status.Result, 0, len(u.last))
	for _, r := range u.last {
		last = append(last, r)
	}
	for _, r := range last {
		u.show(r)
	}
	u.list.Refresh()
}

// Close ends everything the window started (its sign-ins, checks and
// dialogs' work); the window calls it when it closes.
func (u *Accounts) Close() { u.close() }

// background runs fn off the UI goroutine under the window's context.
func (u *Accounts) background(fn func(ctx context.Context)) {
	u.running.Add(1)
	go func() {
		defer u.running.Done()
		fn(u.ctx)
	}()
}

// stopChecks cancels every running check.
func (u *Accounts) stopChecks() {
	u.checksMu.Lock()
	defer u.checksMu.Unlock()
	for _, c := range u.checks {
		c()
	}
}

func (u *Accounts) newRow(a *app.Account) fyne.CanvasObject {
	r := &row{name: a.Name, overall: newLight(levelWord(u.lang, status.Grey)), lights: map[string]*Light{},
		when: widget.NewLabel(u.t("ui.never_checked")), problem: widget.NewLabel(""), results: map[string]status.Result{}}
	r.problem.Wrapping = fyne.TextWrapWord
	r.problem.Hide()
	u.rows[a.Name] = r
	lights := container.NewHBox()
	for _, p := range app.Protocols {
		l := newLight(strings.ToUpper(string(p)))
		if !a.Server(p).Enabled {
			l.Set(status.Grey, strings.ToUpper(string(p))+" –")
		}
		r.lights[string(p)] = l
		lights.Add(l.Object)
	}
	name := widget.NewLabelWithStyle(a.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	buttons := container.NewHBox(
		widget.NewButton(u.t("ui.check"), func() { u.check([]string{a.Name}) }),
		widget.NewButton(u.t("ui.authorize"), func() { u.authorize(a.Name) }),
		widget.NewButton(u.t("ui.edit"), func() { u.openEditor(a) }),
		widget.NewButton(u.t("ui.card"), func() { u.showCard(a.Name) }),
		widget.NewButton(u.t("ui.send_test"), func() { u.sendTest(a.Name, a.MailboxAddress()) }),
		widget.NewButton(u.t("ui.diagnostics"), func() { u.diagnostics(a.Name) }),
		widget.NewButton(u.t("ui.remove"), func() { u.remove(a.Name) }),
	)
	head := container.NewHBox(r.overall.Object, name, widget.NewLabel(a.Login), lights, r.when)
	return widget.NewCard("", "", container.NewVBox(head, r.problem, buttons))
}

// check runs the checks off the UI goroutine; lights change as results come.
func (u *Accounts) check(names []string) {
	u.status.SetText(u.t("ui.checking"))
	for _, n := range names {
		if r := u.rows[n]; r != nil {
			r.problem.SetText("")
		}
	}
	ctx, cancel := context.WithTimeout(u.ctx, 2*time.Minute)
	u.checksMu.Lock()
	u.checkSeq++
	id := u.checkSeq
	u.checks[id] = cancel
	u.checksMu.Unlock()
	u.stop.Show()
	u.running.Add(1)
	go func() {
		defer u.running.Done()
		defer cancel()
		_, p := u.svc.Check(ctx, names, app.CheckOptions{}, func(res status.Result) {
			fyne.Do(func() { u.show(res) })
		})
		u.checksMu.Lock()
		delete(u.checks, id)
		idle := len(u.checks) == 0
		u.checksMu.Unlock()
		fyne.Do(func() {
			if idle {
				u.stop.Hide()
			}
			if p != nil {
				u.status.SetText(p.Message(u.lang))
				return
			}
			u.status.SetText(u.t("ui.checked", "time", time.Now().Format("15:04:05")))
		})
	}()
}

// show puts one result on its account's row.
func (u *Accounts) show(res status.Result) {
	u.showMu.Lock()
	defer u.showMu.Unlock()
	r := u.rows[res.Account]
	if r == nil {
		return
	}
	u.last[res.Account+"/"+res.Protocol] = res
	r.results[res.Protocol] = res
	caption := strings.ToUpper(res.Protocol)
	r.lights[res.Protocol].Set(res.Level, caption+" "+levelWord(u.lang, res.Level))
	var levels []status.Level
	// One line per distinct problem: a token problem hits every protocol
	// alike and is said once, naming all of them.
	var order []string
	protos := map[string][]string{}
	for _, p := range app.Protocols {
		x, ok := r.results[string(p)]
		if !ok {
			continue
		}
		levels = append(levels, x.Level)
		if x.Problem != nil {
			line := x.Problem.Message(u.lang)
			if fix := x.Problem.Fix(u.lang); fix != "" {
				line += "\n  → " + fix
			}
			if _, seen := protos[line]; !seen {
				order = append(order, line)
			}
			protos[line] = append(protos[line], strings.ToUpper(string(p)))
		}
	}
	var lines []string
	for _, l := range order {
		lines = append(lines, strings.Join(protos[l], ", ")+": "+l)
	}
	w := status.Worst(levels...)
	r.overall.Set(w, levelWord(u.lang, w))
	r.when.SetText(u.t("ui.last_check", "time", res.At.Format("15:04:05")))
	r.problem.SetText(strings.Join(lines, "\n"))
	if len(lines) == 0 {
		r.problem.Hide()
	} else {
		r.problem.Show()
	}
}

// authorize signs the account in. A dialog shows what to do (the browser
// address, or the code to type on another device); closing it ends the
// sign-in and its loopback listener or polling at once.
func (u *Accounts) authorize(name string) {
	u.status.SetText(u.t("ui.authorizing", "name", name))
	// Long enough for a device code (15 minutes) as well as the browser.
	ctx, cancel := context.WithTimeout(u.ctx, 16*time.Minute)
	text := widget.NewLabel(u.t("ui.authorizing", "name", name))
	text.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(text)
	box := dialog.NewCustom(u.t("ui.authorize"), u.t("ui.wiz.cancel"), body, u.win)
	box.SetOnClosed(cancel)
	box.Resize(fyne.NewSize(560, 260))
	box.Show()
	u.running.Add(1)
	go func() {
		defer u.running.Done()
		defer cancel()
		res, p := u.svc.Authorize(ctx, name, app.AuthorizeOptions{
			BrowserOptions: app.BrowserOptions{OnURL: func(url string) {
				fyne.Do(func() {
					u.status.SetText(u.t("ui.open_url", "url", url))
					text.SetText(u.t("ui.open_url", "url", url))
				})
			}},
			OnDeviceCode: func(d app.DeviceCode) {
				fyne.Do(func() {
					u.status.SetText(u.t("ui.device_code", "url", d.URL, "code", d.Code, "time", d.Expires.Format("15:04:05")))
					body.RemoveAll()
					body.Add(deviceCodeBox(u.lang, d))
				})
			},
		})
		// Read before the deferred cancel runs: fyne.Do may run later.
		canceled := ctx.Err() == context.Canceled
		fyne.Do(func() {
			box.Hide()
			if canceled {
				// Cancelled in the dialog, or the window closed.
				if u.ctx.Err() == nil {
					u.status.SetText(u.t("ui.canceled"))
				}
				return
			}
			if p != nil {
				dialog.ShowInformation(u.t("ui.authorize_failed"), problemText(p, u.lang), u.win)
				u.status.SetText(p.Message(u.lang))
				return
			}
			msg := u.t("ui.authorized", "name", name, "user", res.User)
			for _, w := range res.Warnings {
				msg += "\n" + problemText(w, u.lang)
			}
			u.status.SetText(msg)
			if len(res.Warnings) > 0 {
				dialog.ShowInformation(u.t("ui.authorize"), msg, u.win)
			}
			u.check([]string{name})
		})
	}()
}

func (u *Accounts) showCard(name string) {
	form := container.NewVBox()
	fill := func(product string) {
		form.RemoveAll()
		fields, p := u.svc.Card(name, product)
		if p != nil {
			form.Add(widgetText(problemText(p, u.lang)))
		}
		for _, f := range fields {
			value := f.Value
			copyBtn := widget.NewButton(u.t("ui.copy"), func() { fyne.CurrentApp().Clipboard().SetContent(value) })
			entry := widget.NewLabel(value)
			entry.Wrapping = fyne.TextWrapBreak
			form.Add(container.NewBorder(nil, nil, widget.NewLabelWithStyle(f.Label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), copyBtn, entry))
		}
		form.Refresh()
	}
	// The product choice: the generic card, or one product's field names.
	var names []string
	products := app.Products()
	for _, p := range products {
		n := p.Name
		if p.ID == "generic" {
			n = u.t("card.product.generic")
		}
		names = append(names, n)
	}
	choice := widget.NewSelect(names, func(sel string) {
		for i, n := range names {
			if n == sel {
				fill(products[i].ID)
			}
		}
	})
	choice.SetSelectedIndex(0)
	top := container.NewBorder(nil, nil, widget.NewLabel(u.t("card.product")), nil, choice)
	u.cardChoice = choice
	d := dialog.NewCustom(u.t("ui.card_title", "name", name), u.t("ui.close"), container.NewBorder(top, nil, nil, nil, container.NewVScroll(form)), u.win)
	d.Resize(fyne.NewSize(760, 560))
	d.Show()
}

func (u *Accounts) remove(name string) {
	dialog.ShowConfirm(u.t("ui.remove"), u.t("ui.remove_confirm", "name", name), func(ok bool) {
		if !ok {
			return
		}
		// Keyring I/O: a locked keyring can take many seconds.
		u.background(func(ctx context.Context) {
			p := u.svc.Remove(ctx, name)
			fyne.Do(func() {
				if p != nil {
					u.status.SetText(p.Message(u.lang))
					return
				}
				u.Reload()
			})
		})
	}, u.win)
}

func (u *Accounts) openWizard() {
	w := fyne.CurrentApp().NewWindow(u.t("ui.wiz.window"))
	z := NewWizard(u.svc, u.lang, w, func(name string) {
		w.Close()
		u.Reload()
		u.check([]string{name})
		u.showCard(name)
	})
	w.SetContent(z.Object)
	w.SetOnClosed(z.Close)
	w.Resize(fyne.NewSize(720, 620))
	w.Show()
}

func (u *Accounts) openEditor(a *app.Account) {
	w := fyne.CurrentApp().NewWindow(u.t("ui.wiz.edit_window", "name", a.Name))
	z := NewEditWizard(u.svc, u.lang, w, a, func(name string) {
		w.Close()
		u.Reload()
		u.check([]string{name})
	})
	w.SetContent(z.Object)
	w.SetOnClosed(z.Close)
	w.Resize(fyne.NewSize(720, 620))
	w.Show()
}

func (u *Accounts) sendTest(name, mailbox string) {
	to := widget.NewEntry()
	to.SetText(mailbox)
	dialog.ShowForm(u.t("ui.send_test"), u.t("ui.send"), u.t("ui.wiz.cancel"),
		[]*widget.FormItem{widget.NewFormItem(u.t("ui.recipient"), to)}, func(ok bool) {
			if !ok {
				return
			}
			addr := to.Text
			u.withProgress(u.t("ui.sending"), time.Minute, func(ctx context.Context) func() {
				r, p := u.svc.SendTest(ctx, name, addr, 0)
				return func() {
					switch {
					case p != nil:
						u.status.SetText(p.Message(u.lang) + " → " + p.Fix(u.lang))
					case r.Problem != nil:
						u.status.SetText(r.Problem.Message(u.lang) + " → " + r.Problem.Fix(u.lang))
					default:
						u.status.SetText(u.t("ui.sent", "to", r.To))
					}
				}
			})
		}, u.win)
}

// withProgress runs work off the UI goroutine behind a dialog whose Cancel
// (or closing the window) ends it; the returned func runs on the UI
// goroutine afterwards, unless the user cancelled.
func (u *Accounts) withProgress(title string, limit time.Duration, work func(ctx context.Context) func()) {
	ctx, cancel := context.WithTimeout(u.ctx, limit)
	bar := widget.NewProgressBarInfinite()
	box := dialog.NewCustom(title, u.t("ui.wiz.cancel"), container.NewVBox(widget.NewLabel(title), bar), u.win)
	box.SetOnClosed(cancel)
	box.Show()
	u.status.SetText(title)
	u.running.Add(1)
	go func() {
		defer u.running.Done()
		defer cancel()
		after := work(ctx)
		// Read before the deferred cancel runs: fyne.Do may run later.
		canceled := ctx.Err() == context.Canceled
		fyne.Do(func() {
			box.Hide()
			bar.Stop()
			if canceled {
				u.status.SetText(u.t("ui.canceled"))
				return
			}
			after()
		})
	}()
}

func (u *Accounts) diagnostics(name string) {
	u.withProgress(u.t("ui.checking"), 2*time.Minute, func(ctx context.Context) func() {
		text, p := u.svc.Diagnostics(ctx, name, 0)
		return func() {
			if p != nil {
				u.status.SetText(p.Message(u.lang))
				return
			}
			u.status.SetText("")
			u.showReport(text)
		}
	})
}

// showReport shows the diagnostics report with Copy and Save; a save that
// fails says so.
func (u *Accounts) showReport(text string) {
	body := widget.NewMultiLineEntry()
	body.SetText(text)
	body.Wrapping = fyne.TextWrapOff
	copyBtn := widget.NewButton(u.t("ui.copy"), func() { fyne.CurrentApp().Clipboard().SetContent(text) })
	save := widget.NewButton(u.t("ui.save"), func() {
		dialog.ShowFileSave(func(wc fyne.URIWriteCloser, err error) { u.saveReport(wc, err, text) }, u.win)
	})
	d := dialog.NewCustom(u.t("ui.diagnostics"), u.t("ui.close"), container.NewBorder(nil, container.NewHBox(copyBtn, save), nil, nil, body), u.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// saveReport writes the report to the file the user chose; a save that
// fails is shown, never dropped.
func (u *Accounts) saveReport(wc fyne.URIWriteCloser, err error, text string) {
	if err == nil && wc == nil {
		return // the user cancelled
	}
	if err == nil {
		err = writeAll(wc, text)
	}
	if err != nil {
		u.showSaveFailed(err)
		return
	}
	u.status.SetText(u.t("ui.saved", "file", wc.URI().Path()))
}

// writeAll writes text and closes wc; either failing is the save failing.
func writeAll(wc fyne.URIWriteCloser, text string) error {
	_, err := wc.Write([]byte(text))
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	return err
}

func (u *Accounts) showSaveFailed(err error) {
	msg := u.t("ui.save_failed", "error", err.Error())
	u.status.SetText(msg)
	dialog.ShowInformation(u.t("ui.save"), msg, u.win)
}

// deviceCodeBox shows the code to type on another device, the address to
// open there, and copy buttons for both.
func deviceCodeBox(lang i18n.Lang, d app.DeviceCode) fyne.CanvasObject {
	t := func(key string, kv ...string) string { return tr(lang, key, kv...) }
	text := widget.NewLabel(t("ui.device_code", "url", d.URL, "code", d.Code, "time", d.Expires.Format("15:04:05")))
	text.Wrapping = fyne.TextWrapWord
	// Large, as a heading: the user types it on a phone across the desk.
	code := widget.NewRichText(&widget.TextSegment{Text: d.Code, Style: widget.RichTextStyle{
		Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}}})
	copyCode := widget.NewButton(t("ui.copy_code"), func() { fyne.CurrentApp().Clipboard().SetContent(d.Code) })
	copyURL := widget.NewButton(t("ui.copy_url"), func() { fyne.CurrentApp().Clipboard().SetContent(d.URL) })
	return container.NewVBox(text, code, container.NewHBox(copyCode, copyURL))
}
