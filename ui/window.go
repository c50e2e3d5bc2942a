package ui

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
	"mailoauth/core/version"
)

// Accounts is the main window's content: the list of accounts (search,
// light filter, sort) and beside it the selected account's detail.
type Accounts struct {
	svc  Service
	lang i18n.Lang
	win  fyne.Window
	// all is every account with what is known of it; shown is the list's
	// rows after search, filter and sort.
	all      []*acctState
	byName   map[string]*acctState
	live     map[string]map[string]status.Result // this session's results, kept across reloads
	shown    []*acctState
	selected string
	list     *accountList
	empty    *widget.Label // "no accounts yet" / "nothing matches"
	search   *widget.Entry
	light    *widget.Select
	order    *widget.Select
	detail   *detail
	times    timeFormat
	status   *widget.Label
	counts   *widget.Label // how many accounts, and how many per light
	bottom   *fyne.Container
	stop     *widget.Button
	// onLight is told the tray's light (the worst unmuted) when it may
	// have changed.
	onLight func(status.Level)
	// onChange is told, on the UI goroutine, every changed light of any
	// check — started here or by the watcher (the tray notifies).
	onChange func(app.Change)
	// onSettings is told when the settings were saved (the watcher and the
	// tray follow them).
	onSettings func()
	// ctx ends with the window: every sign-in, check and dialog's work
	// started from it stops then instead of updating dead widgets.
	ctx   context.Context
	close context.CancelFunc
	// checks holds the cancel of every running check, so Stop ends all of
	// them, not only the last one started.
	checksMu sync.Mutex
	checks   map[int]context.CancelFunc
	checkSeq int
	// showMu guards the accounts' results: with the GL driver fyne.Do
	// already runs everything on one goroutine, the test driver does not.
	showMu     sync.Mutex
	pendingMu  sync.Mutex
	pending    []pendingResult
	scheduled  bool
	lat        latency
	doMu       sync.Mutex
	cardChoice *widget.Select // the open settings card's product choice, for tests
	// removedAll: "Remove all data" emptied the config folder; closing the
	// window must not write the settings file back with its size.
	removedAll bool
	// running counts background work, so tests (and closing) can wait for it.
	running sync.WaitGroup
	Object  fyne.CanvasObject
}

// tr renders a catalogue text with key, value pairs.
func tr(lang i18n.Lang, key string, args ...string) string {
	return i18n.T(lang, key, i18n.Pairs(args...))
}

func (u *Accounts) t(key string, args ...string) string { return tr(u.lang, key, args...) }

// lightFilters are the light filter's choices in order; "" is every light.
var lightFilters = []status.Level{"", status.Red, status.Yellow, status.Green, status.Grey}

// NewAccounts builds the window content: the toolbar, the list and the
// detail, the main menu and the shortcuts.
func NewAccounts(svc Service, lang i18n.Lang, win fyne.Window) *Accounts {
	u := &Accounts{svc: svc, lang: lang, win: win, byName: map[string]*acctState{}, live: map[string]map[string]status.Result{},
		checks: map[int]context.CancelFunc{}}
	u.ctx, u.close = context.WithCancel(context.Background())
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.counts = widget.NewLabel("")
	add := widget.NewButtonWithIcon(u.t("ui.add"), theme.ContentAddIcon(), u.openWizard)
	add.Importance = widget.HighImportance
	checkAll := widget.NewButtonWithIcon(u.t("ui.check_all"), theme.ViewRefreshIcon(), func() { u.check(nil) })
	u.stop = widget.NewButtonWithIcon(u.t("window.stop"), theme.MediaStopIcon(), u.stopChecks)
	u.stop.Hide()

	u.search = widget.NewEntry()
	u.search.SetPlaceHolder(u.t("window.search"))
	u.search.OnChanged = func(string) { u.refilter() }
	var lights []string
	for _, l := range lightFilters {
		if l == "" {
			lights = append(lights, u.t("window.filter_all"))
		} else {
			lights = append(lights, levelWord(lang, l))
		}
	}
	u.light = widget.NewSelect(lights, func(string) { u.refilter() })
	u.light.SetSelectedIndex(0)
	u.order = widget.NewSelect([]string{u.t("window.sort_name"), u.t("window.sort_worst")}, func(string) { u.refilter() })
	u.order.SetSelectedIndex(0)

	u.list = &accountList{onKey: u.listKey}
	u.list.Length = func() int { return len(u.shown) }
	u.list.CreateItem = func() fyne.CanvasObject { return newListRow() }
	u.list.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		u.showMu.Lock()
		defer u.showMu.Unlock()
		if id < len(u.shown) {
			o.(*listRow).set(u.shown[id], u.lang, u.times)
		}
	}
	u.list.OnSelected = func(id widget.ListItemID) {
		if id < len(u.shown) {
			u.selected = u.shown[id].acct.Name
			u.showDetail()
		}
	}
	u.list.ExtendBaseWidget(u.list)
	u.empty = widget.NewLabel("")
	u.empty.Wrapping = fyne.TextWrapWord
	u.empty.Hide()
	u.detail = newDetail(u)

	bar := container.NewBorder(nil, nil, container.NewHBox(add, checkAll, u.stop), container.NewHBox(u.light, u.order), u.search)
	split := container.NewHSplit(container.NewStack(u.list, container.NewVBox(u.empty)), u.detail.Object)
	split.Offset = 0.55
	u.bottom = container.NewBorder(nil, nil, nil, u.counts, u.status)
	u.Object = container.NewBorder(bar, u.bottom, nil, nil, split)
	u.setMenu()
	u.setShortcuts()
	u.Reload()
	return u
}

// setMenu puts what is not used every minute into the main menu.
func (u *Accounts) setMenu() {
	file := fyne.NewMenu(u.t("window.menu_file"),
		fyne.NewMenuItem(u.t("window.settings_title")+" …", u.showSettings),
		fyne.NewMenuItem(u.t("ui.open_logs"), func() { u.openFolder(u.svc.LogDir()) }),
		fyne.NewMenuItem(u.t("ui.remove_all")+" …", u.removeAll),
	)
	help := fyne.NewMenu(u.t("window.menu_help"), fyne.NewMenuItem(u.t("ui.about")+" …", u.showAbout))
	u.win.SetMainMenu(fyne.NewMainMenu(file, help))
}

// setShortcuts: F5 checks the selection, Ctrl+F goes to the search,
// Delete removes the selection after asking. The list handles them itself
// while it has the focus; elsewhere the canvas does, except in a text field
// (Delete there deletes text).
func (u *Accounts) setShortcuts() {
	c := u.win.Canvas()
	c.SetOnTypedKey(func(e *fyne.KeyEvent) { u.listKey(e) })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		c.Focus(u.search)
	})
}

// listKey handles the window's keys; it reports whether it used the key.
func (u *Accounts) listKey(e *fyne.KeyEvent) bool {
	switch e.Name {
	case fyne.KeyF5:
		if u.selected != "" {
			u.check([]string{u.selected})
		}
		return true
	case fyne.KeyDelete:
		if u.selected != "" {
			u.remove(u.selected)
		}
		return true
	case fyne.KeyDown, fyne.KeyUp:
		i := u.index(u.selected)
		switch {
		case len(u.shown) == 0:
		case i < 0:
			u.list.Select(0)
		case e.Name == fyne.KeyDown && i+1 < len(u.shown):
			u.list.Select(i + 1)
		case e.Name == fyne.KeyUp && i > 0:
			u.list.Select(i - 1)
		}
		return true
	}
	return false
}

// index is the row of the named account in the list, -1 when not shown.
func (u *Accounts) index(name string) int {
	for i, s := range u.shown {
		if s.acct.Name == name {
			return i
		}
	}
	return -1
}

// Reload reads the accounts and the kept results again: the lights of the
// last checks show at once, before any fresh check.
func (u *Accounts) Reload() {
	list, p := u.svc.Accounts()
	if p != nil {
		u.status.SetText(p.Message(u.lang))
	}
	kept, kp := u.svc.LastResults()
	if kp != nil && p == nil {
		u.status.SetText(kp.Message(u.lang))
	}
	u.showMu.Lock()
	u.all = make([]*acctState, len(list))
	u.byName = make(map[string]*acctState, len(list))
	for i := range list {
		s := &acctState{acct: list[i], kept: kept[list[i].Name], live: u.live[list[i].Name]}
		u.all[i] = s
		u.byName[s.acct.Name] = s
	}
	u.showMu.Unlock()
	u.refilter()
}

// refilter applies search, light filter and sort, keeps the selection
// when its account is still shown, and tells the tray its light.
func (u *Accounts) refilter() {
	if u.list == nil || u.order == nil {
		return // still being built
	}
	u.showMu.Lock()
	u.shown = view(u.all, u.search.Text, lightFilters[max(u.light.SelectedIndex(), 0)], u.order.SelectedIndex())
	total := len(u.all)
	light := trayLight(u.all)
	counts := ""
	if total > 0 {
		counts = countsText(u.all, len(u.shown), u.lang)
	}
	u.showMu.Unlock()
	u.setCounts(counts)
	switch {
	case total == 0:
		u.empty.SetText(u.t("ui.no_accounts"))
		u.empty.Show()
	case len(u.shown) == 0:
		u.empty.SetText(u.t("window.nothing_matches"))
		u.empty.Show()
	default:
		u.empty.Hide()
	}
	u.list.Refresh()
	if i := u.index(u.selected); i >= 0 {
		u.list.Select(i)
	} else {
		u.list.UnselectAll()
		if u.selected != "" && u.byName[u.selected] == nil {
			u.selected = ""
		}
	}
	u.showDetail()
	if u.onLight != nil {
		u.onLight(light)
	}
}

// do runs fn on the UI goroutine. The GL driver runs every fyne.Do on one
// goroutine; the test driver runs it on the caller's, so doMu gives tests
// the same one-at-a-time. fn must not wait for another do.
func (u *Accounts) do(fn func()) {
	fyne.Do(func() {
		u.doMu.Lock()
		defer u.doMu.Unlock()
		fn()
	})
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

// check runs the checks off the UI goroutine; lights change as results come.
func (u *Accounts) check(names []string) {
	u.status.SetText(u.t("ui.checking"))
	ctx, cancel := context.WithTimeout(u.ctx, 10*time.Minute)
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
		_, p := u.svc.Check(ctx, names, app.CheckOptions{OnChange: u.changed}, u.deliver)
		u.checksMu.Lock()
		delete(u.checks, id)
		idle := len(u.checks) == 0
		u.checksMu.Unlock()
		u.do(func() {
			if idle {
				u.stop.Hide()
			}
			if p != nil {
				u.status.SetText(p.Message(u.lang))
				return
			}
			u.status.SetText(u.t("ui.checked", "time", u.times.format(time.Now())))
			if sum := u.lat.take(); sum != "" {
				u.svc.Logf("window: %s", sum)
			}
			// The store now knows since when a light is what it is.
			u.Reload()
		})
	}()
}

// changed hands a changed light from a check's goroutine (a check started
// here, or the watcher's) to the tray on the UI goroutine. The results store
// reports each change once, to whichever run recorded it first, so a manual
// check and the watcher overlapping do not notify twice.
func (u *Accounts) changed(c app.Change) {
	u.do(func() {
		if u.onChange != nil {
			u.onChange(c)
		}
	})
}

// show puts one result on its account: its row, the detail if selected,
// and the tray's light.
func (u *Accounts) show(res status.Result) { u.showAll([]status.Result{res}) }

// deliver hands a result from a check's goroutine to the UI goroutine.
// Results arriving while the UI is busy are shown together in one update:
// 300 accounts' results must not queue 900 redraws.
func (u *Accounts) deliver(res status.Result) {
	u.pendingMu.Lock()
	u.pending = append(u.pending, pendingResult{res, time.Now()})
	scheduled := u.scheduled
	u.scheduled = true
	u.pendingMu.Unlock()
	if scheduled {
		return
	}
	u.do(func() {
		u.pendingMu.Lock()
		batch := u.pending
		u.pending, u.scheduled = nil, false
		u.pendingMu.Unlock()
		rs := make([]status.Result, len(batch))
		for i, b := range batch {
			rs[i] = b.res
		}
		u.showAll(rs)
		for _, b := range batch {
			u.lat.add(time.Since(b.at))
		}
	})
}

// pendingResult is a result waiting for the UI goroutine, with its arrival.
type pendingResult struct {
	res status.Result
	at  time.Time
}

// showAll puts results on their accounts: the rows, the detail if the
// selected account is among them, and the tray's light, once.
func (u *Accounts) showAll(rs []status.Result) {
	moved, selected := false, false
	var rows []string
	u.showMu.Lock()
	for _, res := range rs {
		s := u.byName[res.Account]
		if s == nil {
			continue
		}
		before := s.level()
		if u.live[res.Account] == nil {
			u.live[res.Account] = map[string]status.Result{}
		}
		u.live[res.Account][res.Protocol] = res
		s.live = u.live[res.Account]
		moved = moved || s.level() != before
		selected = selected || res.Account == u.selected
		rows = append(rows, res.Account)
	}
	u.showMu.Unlock()
	if len(rows) == 0 {
		return
	}
	if moved && u.sortsByLight() {
		u.refilter()
		return
	}
	if len(rows) == 1 {
		if i := u.index(rows[0]); i >= 0 {
			u.list.RefreshItem(i)
		}
	} else {
		// The visible rows are set again; unchanged ones cost nothing.
		u.list.Refresh()
	}
	if selected {
		u.detail.showResults()
	}
	if moved {
		u.showMu.Lock()
		counts := countsText(u.all, len(u.shown), u.lang)
		u.showMu.Unlock()
		u.setCounts(counts)
	}
	if u.onLight != nil {
		u.showMu.Lock()
		l := trayLight(u.all)
		u.showMu.Unlock()
		u.onLight(l)
	}
}

// setCounts puts the counts in the status bar and gives them the width
// they now need (the bar's layout does not follow a label's text by itself).
func (u *Accounts) setCounts(text string) {
	if u.counts.Text == text {
		return
	}
	u.counts.SetText(text)
	u.bottom.Refresh()
}

// sortsByLight: a new light may move the row or take it out of the view.
func (u *Accounts) sortsByLight() bool {
	return u.order.SelectedIndex() == sortWorstFirst || u.light.SelectedIndex() > 0
}

// openFolder opens a folder in the file manager; where none opens, the
// status line names it.
func (u *Accounts) openFolder(dir string) {
	if dir == "" {
		return
	}
	if err := fyne.CurrentApp().OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}); err != nil {
		u.status.SetText(dir)
	}
}

// showAbout names the version and the folders the program keeps its data
// in, each with a button that opens it.
func (u *Accounts) showAbout() {
	folder := func(label, dir string) fyne.CanvasObject {
		path := widget.NewLabel(dir)
		path.Wrapping = fyne.TextWrapBreak
		open := widget.NewButtonWithIcon(u.t("window.open"), theme.FolderOpenIcon(), func() { u.openFolder(dir) })
		if dir == "" {
			open.Disable()
		}
		return container.NewBorder(nil, nil, widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), open, path)
	}
	body := container.NewVBox(widgetText(u.t("ui.about_text", "version", version.String())),
		folder(u.t("window.config_dir"), u.svc.ConfigDir()), folder(u.t("window.log_dir"), u.svc.LogDir()))
	d := dialog.NewCustom(u.t("ui.about"), u.t("ui.close"), body, u.win)
	d.Resize(fyne.NewSize(640, 300))
	d.Show()
}

// removeAll removes every account, its secrets, kept results and logs,
// after asking.
func (u *Accounts) removeAll() {
	confirm(u.lang, u.t("ui.remove_all"), u.t("ui.remove_all_confirm"), func(ok bool) {
		if !ok {
			return
		}
		u.stopChecks()
		// Keyring I/O: a locked keyring can take many seconds.
		u.background(func(ctx context.Context) {
			p := u.svc.RemoveAll(ctx)
			u.do(func() {
				if p != nil {
					u.status.SetText(p.Message(u.lang))
				} else {
					u.removedAll = true
				}
				u.Reload()
			})
		})
	}, u.win)
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
				u.do(func() {
					u.status.SetText(u.t("ui.open_url", "url", url))
					text.SetText(u.t("ui.open_url", "url", url))
				})
			}},
			OnDeviceCode: func(d app.DeviceCode) {
				u.do(func() {
					u.status.SetText(u.t("ui.device_code", "url", d.URL, "code", d.Code, "time", d.Expires.Format("15:04:05")))
					body.RemoveAll()
					body.Add(deviceCodeBox(u.lang, d))
				})
			},
		})
		// Read before the deferred cancel runs: fyne.Do may run later.
		canceled := ctx.Err() == context.Canceled
		u.do(func() {
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
			if len(res.Shared) > 0 {
				msg += " " + u.t("signin.shared", "names", strings.Join(res.Shared, ", "))
			}
			for _, w := range res.Warnings {
				msg += "\n" + problemText(w, u.lang)
			}
			// The accounts of the same sign-in are authorized too: check
			// them now, or they would say "not authorized" until the next
			// round and invite a sign-in each. The check's "checking" first,
			// so the status line says whom the sign-in serves meanwhile.
			u.check(append([]string{name}, res.Shared...))
			u.status.SetText(msg)
			if len(res.Warnings) > 0 {
				dialog.ShowInformation(u.t("ui.authorize"), msg, u.win)
			}
		})
	}()
}

// adminConsent opens the admin-consent page for the account's app (when
// Entra says the organisation withdrew or never gave consent).
func (u *Accounts) adminConsent(name string) {
	u.withProgress(u.t("ui.wiz.admin_consent_waiting"), 16*time.Minute, func(ctx context.Context) func() {
		p := u.svc.AdminConsent(ctx, name, app.BrowserOptions{})
		return func() {
			if p != nil {
				u.status.SetText(problemText(p, u.lang))
				return
			}
			u.status.SetText(u.t("ui.wiz.admin_consent_done"))
		}
	})
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
	confirm(u.lang, u.t("ui.remove"), u.t("ui.remove_confirm", "name", name), func(ok bool) {
		if !ok {
			return
		}
		// Keyring I/O: a locked keyring can take many seconds.
		u.background(func(ctx context.Context) {
			p := u.svc.Remove(ctx, name)
			u.do(func() {
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
	var z *Wizard
	z = NewWizard(u.svc, u.lang, w, func(name string) {
		w.Close()
		u.Reload()
		names := z.added
		if len(names) == 0 {
			names = []string{name}
		}
		u.check(names)
		u.showCard(name)
	})
	w.SetContent(z.Object)
	w.Resize(fyne.NewSize(880, 640))
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
	w.Resize(fyne.NewSize(880, 640))
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
		u.do(func() {
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
