package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// detail is the selected account beside the list: its lights with each
// protocol's problem and fix and the check's steps, the sign-in's health,
// its settings, the note and the actions.
type detail struct {
	u       *Accounts
	name    string // the account shown; "" none
	title   *widget.Label
	overall *Light
	actions *fyne.Container
	mute    *widget.Button
	// copySecret is offered for app-only accounts only.
	copySecret *widget.Button
	results    *fyne.Container // rebuilt with each result
	token      *fyne.Container
	config     *fyne.Container
	note       *widget.Entry
	saveBtn    *widget.Button
	none       *widget.Label
	content    *fyne.Container
	Object     fyne.CanvasObject
}

func newDetail(u *Accounts) *detail {
	d := &detail{u: u, title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), overall: newLight(""),
		results: container.NewVBox(), token: container.NewVBox(), config: container.NewVBox(), note: widget.NewMultiLineEntry()}
	d.title.Truncation = fyne.TextTruncateEllipsis
	d.note.Wrapping = fyne.TextWrapWord
	d.note.SetMinRowsVisible(3)
	d.note.SetPlaceHolder(u.t("window.note_hint"))
	d.saveBtn = widget.NewButtonWithIcon(u.t("window.note_save"), theme.DocumentSaveIcon(), d.saveNote)
	d.mute = widget.NewButton("", d.toggleMute)
	sel := func(fn func(name string)) func() {
		return func() {
			if d.name != "" {
				fn(d.name)
			}
		}
	}
	d.copySecret = widget.NewButtonWithIcon(u.t("ui.appreg.copy_secret"), theme.ContentCopyIcon(), sel(u.copySecret))
	d.actions = container.NewGridWithColumns(3,
		widget.NewButtonWithIcon(u.t("ui.check"), theme.ViewRefreshIcon(), sel(func(n string) { u.check([]string{n}) })),
		widget.NewButtonWithIcon(u.t("ui.authorize"), theme.LoginIcon(), sel(u.authorize)),
		widget.NewButtonWithIcon(u.t("ui.edit"), theme.DocumentCreateIcon(), sel(func(n string) {
			if s := u.byName[n]; s != nil {
				a := s.acct
				u.openEditor(&a)
			}
		})),
		widget.NewButtonWithIcon(u.t("ui.card"), theme.ListIcon(), sel(u.showCard)),
		widget.NewButtonWithIcon(u.t("ui.send_test"), theme.MailSendIcon(), sel(func(n string) {
			if s := u.byName[n]; s != nil {
				u.sendTest(n, s.acct.MailboxAddress())
			}
		})),
		widget.NewButtonWithIcon(u.t("ui.diagnostics"), theme.InfoIcon(), sel(u.diagnostics)),
		widget.NewButtonWithIcon(u.t("ui.appreg.check_app"), theme.SettingsIcon(), sel(func(n string) { u.checkApp(n) })),
		d.copySecret,
		d.mute,
		widget.NewButtonWithIcon(u.t("ui.remove"), theme.DeleteIcon(), sel(u.remove)),
	)
	d.none = widget.NewLabel(u.t("window.select_hint"))
	d.none.Wrapping = fyne.TextWrapWord
	heading := func(key string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(u.t(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	d.content = container.NewVBox(
		container.NewBorder(nil, nil, d.overall.Object, nil, d.title),
		d.actions,
		widget.NewSeparator(), d.results,
		widget.NewSeparator(), heading("window.token"), d.token,
		widget.NewSeparator(), heading("window.settings"), d.config,
		widget.NewSeparator(), heading("window.note"), d.note, container.NewHBox(d.saveBtn),
	)
	d.content.Hide()
	d.Object = container.NewVScroll(container.NewVBox(d.none, d.content))
	return d
}

// showDetail shows the selected account (or the hint to select one).
func (u *Accounts) showDetail() {
	s := u.byName[u.selected]
	d := u.detail
	if s == nil {
		d.name = ""
		d.content.Hide()
		d.none.Show()
		d.relayout()
		return
	}
	if d.name != s.acct.Name {
		// A new account: its note replaces what the field held.
		d.name = s.acct.Name
		d.note.SetText(s.acct.Note)
	}
	d.none.Hide()
	d.content.Show()
	d.title.SetText(s.acct.Name + " — " + s.acct.MailboxAddress())
	if s.acct.Muted {
		d.mute.SetText(u.t("window.unmute"))
		d.mute.SetIcon(theme.VolumeUpIcon())
	} else {
		d.mute.SetText(u.t("window.mute"))
		d.mute.SetIcon(theme.VolumeMuteIcon())
	}
	if s.acct.Flow == app.FlowApp {
		d.copySecret.Show()
	} else {
		d.copySecret.Hide()
	}
	d.showConfig(s)
	d.showResults()
}

// relayout: rows were added or removed, their heights changed.
func (d *detail) relayout() {
	d.content.Refresh()
	d.Object.Refresh()
}

// showResults fills in the lights, problems, steps and token health.
func (d *detail) showResults() {
	u := d.u
	u.showMu.Lock()
	s := u.byName[d.name]
	if s == nil {
		u.showMu.Unlock()
		return
	}
	snap := *s
	snap.live = make(map[string]status.Result, len(s.live))
	for k, v := range s.live {
		snap.live[k] = v
	}
	u.showMu.Unlock()
	l := snap.level()
	d.overall.Set(l, levelWord(u.lang, l))
	d.results.RemoveAll()
	d.results.Add(widgetText(rowInfo(&snap, u.lang, u.times)))
	// An account-wide problem (not authorized, a secret ending, a tenant
	// refusing the app) comes back under each protocol word for word: it is
	// said once, with its fix, and the others point to it — three copies
	// with three "Authorize" buttons read like three problems.
	said := map[string]string{}
	for _, p := range app.Protocols {
		caption := strings.ToUpper(string(p))
		light := newLight(caption)
		d.results.Add(light.Object)
		if !snap.acct.Server(p).Enabled {
			light.Set(status.Grey, caption+" – "+u.t("window.off"))
			continue
		}
		r, ok := snap.result(p)
		if !ok {
			light.Set(status.Grey, caption+" "+u.t("ui.never_checked"))
			continue
		}
		text := caption + " " + levelWord(u.lang, r.Level)
		if r.Duration > 0 {
			text += fmt.Sprintf(" (%d ms)", r.Duration.Milliseconds())
		}
		light.Set(r.Level, text)
		shown := ""
		if r.Problem != nil {
			shown = r.Problem.Detail
			text := problemDetailText(r.Problem, u.lang)
			if first, ok := said[text]; ok {
				d.results.Add(indent(widgetText(u.t("detail.same_as", "proto", first))))
			} else {
				said[text] = caption
				d.results.Add(indent(widgetText(text)))
				if b := d.remedy(snap.acct.Name, r.Problem); b != nil {
					d.results.Add(indent(container.NewHBox(b)))
				}
			}
		}
		if len(r.Steps) > 0 {
			d.results.Add(indent(widgetText(stepsText(r.Steps, shown, u))))
		}
	}
	d.showToken(&snap)
	d.relayout()
}

// stepsText lists a check's steps with their durations, in the user's
// language, the failed one marked. A failed step's raw text (often a Go
// error such as "dial tcp: lookup … no such host") goes on a detail line of
// its own below it, and not again when the problem above already shows it
// (shown, its Detail).
func stepsText(steps []status.Step, shown string, u *Accounts) string {
	var b strings.Builder
	for _, st := range steps {
		name := st.Name
		if key := "review.step." + st.Name; i18n.Has(u.lang, key) {
			name = u.t(key)
		}
		ms := strconv.FormatInt(st.Duration.Milliseconds(), 10)
		switch {
		case st.OK:
			b.WriteString(u.t("review.step_ok", "step", name, "ms", ms))
			if st.Reply != "" {
				b.WriteString(" — " + status.FirstLine(st.Reply))
			}
		default:
			b.WriteString(u.t("review.step_failed", "step", name, "ms", ms))
			if st.Reply != "" && !strings.Contains(shown, st.Reply) {
				b.WriteString("\n" + u.t("cli.detail") + ": " + status.FirstLine(st.Reply))
			}
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// problemDetailText is a problem as the detail shows it: our message and
// fix first, the raw text of the server or the system (Detail) last, on a
// line of its own, as the command line prints it.
func problemDetailText(p *status.Problem, lang i18n.Lang) string {
	text := problemText(p, lang)
	if p.Detail != "" {
		text += "\n" + tr(lang, "cli.detail") + ": " + p.Detail
	}
	return text
}

func indent(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewLabel(" "), nil, o)
}

// showToken says what the core knows of the sign-in: when and as whom it
// was authorized, the last refresh, when it lapses if nothing uses it, an
// app-only secret's end — each note in plain words with its fix.
func (d *detail) showToken(s *acctState) {
	u := d.u
	d.token.RemoveAll()
	h, p := u.svc.TokenHealth(s.acct.Name)
	if p != nil {
		d.token.Add(widgetText(problemDetailText(p, u.lang)))
		return
	}
	var lines []string
	switch {
	case h.AuthorizedAt.IsZero():
	case h.AuthorizedAs == "":
		// The token named nobody: no "as ." with nothing after it.
		lines = append(lines, u.t("signin.authorized_at", "time", u.times.format(h.AuthorizedAt)))
	default:
		lines = append(lines, u.t("window.token_authorized", "time", u.times.format(h.AuthorizedAt), "user", h.AuthorizedAs))
	}
	if !h.RefreshedAt.IsZero() {
		lines = append(lines, u.t("window.token_refreshed", "time", u.times.format(h.RefreshedAt)))
	}
	for _, n := range h.Notes {
		line := n.Message(u.lang)
		if fix := n.Fix(u.lang); fix != "" {
			line += "\n→ " + fix
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		lines = append(lines, u.t("window.token_unknown"))
	}
	d.token.Add(widgetText(strings.Join(lines, "\n")))
}

// remedy is the action that cures a protocol's problem, right beside it:
// a sign-in Entra ended is authorized again, withdrawn consent goes to the
// admin-consent page, an expired client secret to Edit. nil when another
// sign-in would not help and the fix text says what to do.
func (d *detail) remedy(name string, p *status.Problem) fyne.CanvasObject {
	u := d.u
	switch app.RemedyFor(p) {
	case app.RemedyAuthorize:
		return widget.NewButtonWithIcon(u.t("window.authorize_again"), theme.LoginIcon(), func() { u.authorize(name) })
	case app.RemedyAdminConsent:
		return widget.NewButtonWithIcon(u.t("ui.wiz.admin_consent"), theme.AccountIcon(), func() { u.adminConsent(name) })
	case app.RemedyNewSecret:
		return widget.NewButtonWithIcon(u.t("window.new_secret"), theme.DocumentCreateIcon(), func() {
			if s := u.byName[name]; s != nil {
				a := s.acct
				u.openEditor(&a)
			}
		})
	}
	return nil
}

// showConfig lists the account's settings.
func (d *detail) showConfig(s *acctState) {
	u := d.u
	a := s.acct
	d.config.RemoveAll()
	form := container.New(layout.NewFormLayout())
	row := func(label, value string) {
		v := widget.NewLabel(value)
		v.Wrapping = fyne.TextWrapBreak
		form.Add(widget.NewLabel(label))
		form.Add(v)
	}
	row(u.t("window.f_login"), a.Login)
	row(u.t("window.f_mailbox"), a.MailboxAddress())
	row(u.t("window.f_tenant"), a.Tenant)
	row(u.t("window.f_client_id"), a.ClientID)
	row(u.t("window.f_flow"), u.t(flowKeys[a.Flow]))
	for _, p := range a.EnabledProtocols() {
		srv := a.Server(p)
		row(strings.ToUpper(string(p)), app.ServerText(srv)+" "+strings.ToUpper(string(srv.Security)))
	}
	d.config.Add(form)
	d.config.Refresh()
}

// saveNote stores the note off the UI thread (the store's file lock).
func (d *detail) saveNote() {
	name, text := d.name, d.note.Text
	if name == "" {
		return
	}
	u := d.u
	u.background(func(context.Context) {
		p := u.svc.SetNote(name, text)
		u.do(func() {
			if p != nil {
				u.status.SetText(problemText(p, u.lang))
				return
			}
			u.status.SetText(u.t("window.note_saved", "name", name))
			u.Reload()
		})
	})
}

// toggleMute mutes or unmutes the shown account.
func (d *detail) toggleMute() {
	s := d.u.byName[d.name]
	if s == nil {
		return
	}
	name, muted := s.acct.Name, !s.acct.Muted
	u := d.u
	u.background(func(context.Context) {
		p := u.svc.SetMuted(name, muted)
		u.do(func() {
			if p != nil {
				u.status.SetText(problemText(p, u.lang))
				return
			}
			u.Reload()
		})
	})
}

// flowKeys name the sign-in types as the wizard offers them.
var flowKeys = map[app.Flow]string{app.FlowBrowser: "ui.wiz.flow_browser", app.FlowDevice: "ui.wiz.flow_device", app.FlowApp: "ui.wiz.flow_app"}
