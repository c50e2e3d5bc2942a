package ui

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/status"
)

// appCheck is the account's "Check app registration": an administrator
// signs in (the login is an optional hint), and the core reads the app's
// registration and grants through Microsoft Graph and lists each fault in
// plain words with its fix — or, with "Check and repair", fixes what Graph
// allows and says what is left. Closing the dialog ends the sign-in.
type appCheck struct {
	u             *Accounts
	name          string
	admin         *widget.Entry
	client        *adminClient
	check, repair *widget.Button
	status        *widget.Label
	bar           *widget.ProgressBarInfinite
	findings      *fyne.Container
	body          *fyne.Container
	box           dialog.Dialog
	mu            sync.Mutex
	cancel        context.CancelFunc // the running check's, nil when none runs
}

func (u *Accounts) checkApp(name string) *appCheck {
	c := &appCheck{u: u, name: name, admin: widget.NewEntry(), status: widgetText(u.t("ui.appreg.check_hint")),
		bar: widget.NewProgressBarInfinite(), findings: container.NewVBox(), client: newAdminClient(u.lang)}
	c.admin.SetPlaceHolder("admin@contoso.com")
	c.admin.SetText(u.svc.SuggestAdmin())
	c.check = widget.NewButton(u.t("ui.appreg.check"), func() { c.run(false) })
	c.repair = widget.NewButton(u.t("ui.appreg.check_repair"), func() { c.run(true) })
	c.check.Importance = widget.HighImportance
	c.bar.Hide()
	c.bar.Stop()
	c.body = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(u.t("ui.wiz.register_admin")), nil, c.admin), c.client.row,
		container.NewHBox(c.check, c.repair),
		c.status, c.bar, widget.NewSeparator(), c.findings)
	c.box = dialog.NewCustom(u.t("ui.appreg.check_title", "name", name), u.t("ui.close"), container.NewVScroll(c.body), u.win)
	c.box.SetOnClosed(c.stop)
	c.box.Resize(fyne.NewSize(760, 560))
	c.box.Show()
	return c
}

// stop ends a running check and its administrator's sign-in.
func (c *appCheck) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancel != nil {
		c.cancel()
	}
}

func (c *appCheck) run(repair bool) {
	u := c.u
	c.check.Disable()
	c.repair.Disable()
	c.findings.RemoveAll()
	c.bar.Show()
	c.bar.Start()
	c.setStatus(u.t("ui.wiz.register_signin"))
	// Long enough for the administrator's sign-in and two minutes of Entra
	// replication after a repair.
	ctx, cancel := context.WithTimeout(u.ctx, 10*time.Minute)
	c.mu.Lock()
	c.cancel = cancel
	c.mu.Unlock()
	req := app.AppCheckRequest{Account: c.name, Repair: repair, AdminOptions: app.AdminOptions{
		Admin:         strings.TrimSpace(c.admin.Text),
		AdminClientID: c.client.id(),
		BrowserOptions: app.BrowserOptions{OnURL: func(url string) {
			u.do(func() { c.setStatus(u.t("ui.wiz.register_signin") + "\n" + u.t("ui.open_url", "url", url)) })
		}},
		Progress: func(p app.RegisterProgress) {
			text := progressText(u.lang, p)
			u.do(func() { c.setStatus(text) })
		},
	}}
	u.running.Add(1)
	go func() {
		defer u.running.Done()
		defer cancel()
		res, p := u.svc.CheckApp(ctx, req)
		// Read before the deferred cancel runs: fyne.Do may run later.
		canceled := ctx.Err() == context.Canceled
		u.do(func() {
			c.mu.Lock()
			c.cancel = nil
			c.mu.Unlock()
			c.bar.Stop()
			c.bar.Hide()
			c.check.Enable()
			c.repair.Enable()
			if canceled {
				if u.ctx.Err() == nil {
					c.setStatus(u.t("ui.canceled"))
				}
				return
			}
			c.show(res, p, repair)
		})
	}()
}

// show lists the findings with their fixes — after a repair, what was
// repaired and what is left; a problem that stopped the check (or the
// repair) comes last.
func (c *appCheck) show(res *app.AppChecked, p *status.Problem, repair bool) {
	u := c.u
	c.setStatus("")
	if res != nil {
		// After a repair the light is the state now.
		l := newLight("")
		l.Set(res.Level, u.t("ui.appreg.check_result", "name", res.Name, "client", res.ClientID)+" — "+levelWord(u.lang, res.Level))
		c.findings.Add(l.Object)
		switch {
		case repair && len(res.Findings) > 0:
			for _, what := range repairedTexts(res.Findings, res.Repaired, u) {
				c.findings.Add(indent(widgetText(u.t("ui.appreg.repaired", "what", what))))
			}
			c.findings.Add(widgetText(u.t("ui.appreg.now")))
			c.addFindings(res.Remaining)
		default:
			c.addFindings(res.Findings)
			if len(res.Findings) > 0 {
				c.findings.Add(widgetText(u.t("ui.appreg.repair_hint")))
			}
		}
	}
	if p != nil {
		c.findings.Add(widgetText(problemText(p, u.lang)))
		if hint := c.client.offer(p); hint != "" {
			c.findings.Add(widgetText(hint))
		}
	}
	c.body.Refresh()
	u.status.SetText(u.t("ui.appreg.checked", "name", c.name))
}

// setStatus shows the step under the buttons; empty, the line goes.
func (c *appCheck) setStatus(text string) {
	c.status.SetText(text)
	if text == "" {
		c.status.Hide()
	} else {
		c.status.Show()
	}
	// The box lays its rows out again without (or with) the line.
	c.body.Refresh()
}

// addFindings puts each finding with its light, its text and its fix; none
// is "everything in place".
func (c *appCheck) addFindings(fs []app.AppFinding) {
	u := c.u
	if len(fs) == 0 {
		c.findings.Add(indent(widgetText(u.t("cli.app_check.ok"))))
		return
	}
	for _, f := range fs {
		l := newLight("")
		l.Set(f.Problem.Level, levelWord(u.lang, f.Problem.Level))
		// The light stays at the top of its finding's lines.
		c.findings.Add(indent(container.NewBorder(nil, nil, container.NewVBox(l.Object), nil, widgetText(problemText(f.Problem, u.lang)))))
	}
}

// repairedTexts are the repaired faults in the words of their findings; a
// fault found several times (consent for each permission) names each
// finding once, in order.
func repairedTexts(fs []app.AppFinding, repaired []string, u *Accounts) []string {
	used := make([]bool, len(fs))
	var out []string
next:
	for _, fault := range repaired {
		for i, f := range fs {
			if !used[i] && f.Fault == fault {
				used[i] = true
				out = append(out, f.Problem.Message(u.lang))
				continue next
			}
		}
		out = append(out, u.t("appreg.fault."+fault))
	}
	return out
}

// clipboardClearAfter is how long a copied client secret stays on the
// clipboard.
var clipboardClearAfter = 2 * time.Minute

// copySecret puts the app-only account's client secret on the clipboard
// for the user to paste into the product, without ever showing it, and
// takes it off again after clipboardClearAfter unless something else was
// copied meanwhile. Keyring I/O (a locked keyring can take a while) runs
// off the UI goroutine.
func (u *Accounts) copySecret(name string) {
	u.background(func(ctx context.Context) {
		v, p := u.svc.ClientSecret(ctx, name)
		u.do(func() {
			if p != nil {
				u.status.SetText(p.Message(u.lang))
				dialog.ShowInformation(u.t("ui.appreg.copy_secret"), problemText(p, u.lang), u.win)
				return
			}
			cb := fyne.CurrentApp().Clipboard()
			cb.SetContent(v)
			u.status.SetText(u.t("ui.appreg.secret_copied", "name", name, "minutes", strconv.Itoa(max(1, int(clipboardClearAfter/time.Minute)))))
			time.AfterFunc(clipboardClearAfter, func() {
				u.do(func() {
					if cb.Content() == v {
						cb.SetContent("")
					}
				})
			})
		})
	})
}
