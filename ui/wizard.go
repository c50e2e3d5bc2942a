package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// Wizard walks a new account through welcome, tenant and app, mailbox,
// authorize and verify. Each step is validated by the core's own parsers
// before Next; the message stands under the field.
type Wizard struct {
	svc   Service
	lang  i18n.Lang
	win   fyne.Window
	done  func(name string)
	step  int
	body  *fyne.Container
	back  *widget.Button
	next  *widget.Button
	title *widget.Label
	// steps is the step list on the left, the current one marked.
	steps []*widget.Label
	// initial is what the fields held when the wizard opened: Cancel asks
	// only when something was typed since.
	initial string

	name, tenant, clientID, secret, login, mailbox *widget.Entry
	flow                                           *widget.Select
	proto                                          map[app.Protocol]*widget.Check
	server                                         map[app.Protocol]*widget.Entry
	security                                       map[app.Protocol]*widget.Select
	errs                                           map[string]*widget.Label
	saved                                          *app.Account
	added                                          []string // every account the mailbox step added
	authStatus                                     *widget.Label
	deviceBox                                      *fyne.Container
	powershell                                     *widget.Entry // app-only: the Exchange steps
	consentBtn                                     *widget.Button
	cancel                                         context.CancelFunc
	// ctx ends when the wizard's window closes: a sign-in, consent or
	// check in progress stops then (listener closed, polling ended).
	ctx        context.Context
	close      context.CancelFunc
	Object     fyne.CanvasObject
	lights     map[string]*Light
	editing    bool
	hadSecret  bool // the edited account has a client secret in the keyring
	authBtn    *widget.Button
	running    sync.WaitGroup // background work, for tests
	verifyInfo *widget.Label
	// codeEntry takes a code read off Microsoft's error page (AADSTS50011)
	// while the sign-in waits; codes carries it to the waiting sign-in.
	codeEntry *widget.Entry
	codes     chan string
	// The tenant step's "Create the app registration for me".
	regAdmin  *widget.Entry
	regClient *adminClient
	regBtn    *widget.Button
	regStatus *widget.Label
	// heldClient is the app-only registration made here whose client
	// secret the service holds for the account; heldNote says so, and
	// heldText whether it is new or another account's.
	heldClient string
	heldNote   *widget.Label
	heldText   string
	// secretBox holds the client secret's field, shown for app-only
	// access (secretField).
	secretBox *fyne.Container
	// choice is the welcome step's "create it for me" / "I already have
	// one" (a new account only); byHand, the portal instructions, shows
	// only for the second, and the tenant step follows the choice.
	choice *widget.RadioGroup
	byHand *fyne.Container
}

func (z *Wizard) t(key string, args ...string) string { return tr(z.lang, key, args...) }

// NewEditWizard opens the wizard on an existing account: its name stays,
// everything else can change; authorizing again is optional.
func NewEditWizard(svc Service, lang i18n.Lang, win fyne.Window, a *app.Account, done func(string)) *Wizard {
	z := NewWizard(svc, lang, win, done)
	z.editing = true
	z.hadSecret = a.HasClientSecret
	z.name.SetText(a.Name)
	z.name.Disable()
	z.tenant.SetText(a.Authority + "/" + a.Tenant + "/")
	z.clientID.SetText(a.ClientID)
	z.login.SetText(a.Login)
	z.mailbox.SetText(a.Mailbox)
	z.flow.SetSelectedIndex(flowIndex(a.Flow))
	for _, p := range app.Protocols {
		srv := a.Server(p)
		z.proto[p].SetChecked(srv.Enabled)
		if srv.Enabled {
			z.server[p].SetText(app.ServerText(srv))
			if srv.Security == app.TLS {
				z.security[p].SetSelectedIndex(1)
			} else {
				z.security[p].SetSelectedIndex(2)
			}
		}
	}
	// What the account holds is nothing typed: Cancel asks only after a change.
	z.initial = z.typed()
	z.show(1)
	return z
}

// NewWizard builds the wizard; done is called with the new account's name.
func NewWizard(svc Service, lang i18n.Lang, win fyne.Window, done func(string)) *Wizard {
	z := &Wizard{svc: svc, lang: lang, win: win, done: done, errs: map[string]*widget.Label{},
		proto: map[app.Protocol]*widget.Check{}, server: map[app.Protocol]*widget.Entry{}, lights: map[string]*Light{},
		security: map[app.Protocol]*widget.Select{}}
	z.ctx, z.close = context.WithCancel(context.Background())
	for _, f := range []string{"name", "tenant", "client_id", "login", "mailbox", "imap", "pop3", "smtp", "protocols", "flow", "client_secret"} {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.DangerImportance
		l.Hide()
		z.errs[f] = l
	}
	z.name, z.tenant, z.clientID, z.login, z.mailbox = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	z.secret = widget.NewPasswordEntry()
	z.tenant.SetPlaceHolder("https://login.microsoftonline.com/<tenant>/")
	z.clientID.SetPlaceHolder("00000000-0000-0000-0000-000000000000")
	z.login.SetPlaceHolder("anna@contoso.com")
	z.mailbox.SetPlaceHolder(z.t("ui.wiz.mailbox_same"))
	sug := svc.Suggest()
	z.tenant.SetText(sug.Tenant)
	z.clientID.SetText(sug.ClientID)
	z.login.SetText(sug.Login)
	z.flow = widget.NewSelect([]string{z.t("ui.wiz.flow_browser"), z.t("ui.wiz.flow_device"), z.t("ui.wiz.flow_app")}, nil)
	z.flow.SetSelectedIndex(0)
	z.flow.OnChanged = func(string) { z.showSecretField() }
	for _, p := range app.Protocols {
		z.proto[p] = widget.NewCheck(strings.ToUpper(string(p)), nil)
		z.proto[p].SetChecked(true)
		e := widget.NewEntry()
		e.SetText(app.DefaultServerText(p))
		if v := map[app.Protocol]string{app.IMAP: sug.IMAP, app.POP3: sug.POP3, app.SMTP: sug.SMTP}[p]; v != "" {
			e.SetText(v)
		}
		z.server[p] = e
		// "by port" lets the core infer the mode (993/995/465 TLS, else STARTTLS).
		sel := widget.NewSelect([]string{z.t("ui.wiz.sec_auto"), "SSL/TLS", "STARTTLS"}, nil)
		sel.SetSelectedIndex(0)
		z.security[p] = sel
	}
	z.byHand = container.NewVBox(widgetText(z.t("ui.wiz.register_steps")))
	for _, v := range []string{"http://localhost", "IMAP.AccessAsUser.All", "POP.AccessAsUser.All", "SMTP.Send", "offline_access"} {
		val := v
		z.byHand.Add(container.NewHBox(widget.NewLabel(val), widget.NewButton(z.t("ui.copy"), func() {
			fyne.CurrentApp().Clipboard().SetContent(val)
		})))
	}
	z.choice = widget.NewRadioGroup([]string{z.t("ui.wiz.choice_create"), z.t("ui.wiz.choice_have")}, nil)
	z.choice.Required = true
	z.choice.SetSelected(z.t("ui.wiz.choice_create")) // the promise: we do it for them
	z.choice.OnChanged = z.choose
	z.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	z.body = container.NewVBox()
	z.back = widget.NewButton(z.t("ui.wiz.back"), func() { z.show(z.step - 1) })
	z.next = widget.NewButton(z.t("ui.wiz.next"), z.onNext)
	z.next.Importance = widget.HighImportance
	cancel := widget.NewButton(z.t("ui.wiz.cancel"), z.cancelWizard)
	// Back, Next, Cancel at the bottom right, as Windows places them.
	buttons := container.NewHBox(layout.NewSpacer(), z.back, z.next, cancel)
	list := container.NewVBox()
	for _, key := range wizardSteps {
		l := widget.NewLabel(z.t(key))
		z.steps = append(z.steps, l)
		list.Add(l)
	}
	// Enter is Next: in a field (which keeps the key for itself) and
	// anywhere else in the window.
	for _, e := range []*widget.Entry{z.name, z.tenant, z.clientID, z.secret, z.login, z.mailbox, z.server[app.IMAP], z.server[app.POP3], z.server[app.SMTP]} {
		e.OnSubmitted = func(string) { z.enter() }
	}
	win.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter {
			z.enter()
		}
	})
	z.Object = container.NewBorder(z.title, buttons, container.NewHBox(list, widget.NewSeparator()), nil, container.NewVScroll(z.body))
	// The window's close button is Cancel: it asks as Cancel does once
	// something was typed (a tenant, client ID and secret are work to type
	// again), and closing ends any sign-in still running.
	win.SetCloseIntercept(z.cancelWizard)
	win.SetOnClosed(z.Close)
	z.initial = z.typed()
	z.show(0)
	return z
}

// wizardSteps name the steps in the step list.
var wizardSteps = []string{"window.step_welcome", "window.step_tenant", "window.step_mailbox", "window.step_authorize", "window.step_verify"}

// enter is Next when Next can be pressed.
func (z *Wizard) enter() {
	if !z.next.Disabled() {
		z.onNext()
	}
}

// typed is everything the user can type, to tell whether Cancel loses
// anything.
func (z *Wizard) typed() string {
	in := z.input()
	return strings.Join([]string{in.Name, in.Tenant, in.ClientID, in.Login, in.Mailbox, in.IMAP, in.POP3, in.SMTP, in.Flow,
		in.IMAPSecurity, in.POP3Security, in.SMTPSecurity, z.secret.Text}, "\x00")
}

// cancelWizard closes the wizard, asking first when something was typed;
// closing ends any sign-in still running.
func (z *Wizard) cancelWizard() {
	quit := func() {
		z.close()
		z.win.Close()
	}
	if z.typed() == z.initial && z.saved == nil {
		quit()
		return
	}
	confirm(z.lang, z.t("ui.wiz.cancel"), z.t("window.wiz_cancel_confirm"), func(ok bool) {
		if ok {
			quit()
		}
	}, z.win)
}

// createForMe: the tenant step offers "Create the app registration for
// me" — a new account whose welcome step chose it; an edited account
// has its registration.
func (z *Wizard) createForMe() bool {
	return !z.editing && z.choice.Selected == z.t("ui.wiz.choice_create")
}

// choose follows the welcome step's choice; what was typed stays, as
// every field lives on in the wizard.
func (z *Wizard) choose(string) {
	z.showByHand()
	z.body.Refresh() // the shown or hidden instructions move what follows
	if z.step == 0 {
		// A focused radio item keeps Enter for itself: after the choice
		// (Space) Enter is Next again.
		z.win.Canvas().Unfocus()
	}
}

func (z *Wizard) showByHand() {
	if z.createForMe() {
		z.byHand.Hide()
	} else {
		z.byHand.Show()
	}
}

// markStep shows the current step in the step list.
func (z *Wizard) markStep() {
	for i, l := range z.steps {
		l.TextStyle = fyne.TextStyle{Bold: i == z.step}
		if i == z.step {
			l.Importance = widget.HighImportance
		} else {
			l.Importance = widget.MediumImportance
		}
		l.Refresh()
	}
}

// focusFirst puts the cursor into the step's first field.
func (z *Wizard) focusFirst() {
	var first fyne.Focusable
	switch z.step {
	case 1:
		first = z.name
		if z.editing {
			first = z.tenant
		}
	case 2:
		first = z.login
	}
	if first != nil {
		z.win.Canvas().Focus(first)
		return
	}
	// No field: a button that kept the focus (Authorize) would swallow
	// Enter, which must be Next.
	z.win.Canvas().Unfocus()
}

// Close ends whatever the wizard still runs; its window calls it on close.
func (z *Wizard) Close() { z.close() }

// secretField is the client secret's field, shown for app-only access
// only: a sign-in in the browser or with a code has no secret, and a field
// for one made helpdesk users look for a secret they do not need. Shown
// all the same when it holds something or reports a problem, so nothing
// typed or said is hidden.
func (z *Wizard) secretField() fyne.CanvasObject {
	if z.secretBox == nil {
		z.secretBox = container.NewVBox(z.field(z.t("ui.wiz.client_secret"), z.secret, "client_secret"))
	}
	z.showSecretField()
	return z.secretBox
}

func (z *Wizard) showSecretField() {
	if z.secretBox == nil {
		return
	}
	if wizardFlows[max(z.flow.SelectedIndex(), 0)] == app.FlowApp || z.secret.Text != "" || z.errs["client_secret"].Visible() {
		z.secretBox.Show()
	} else {
		z.secretBox.Hide()
	}
	z.body.Refresh()
}

func (z *Wizard) field(label string, e fyne.CanvasObject, errKey string) fyne.CanvasObject {
	return container.NewVBox(widget.NewLabel(label), e, z.errs[errKey])
}

func (z *Wizard) show(step int) {
	if step < 0 {
		return
	}
	z.step = step
	z.markStep()
	defer z.focusFirst()
	z.body.RemoveAll()
	z.back.Enable()
	z.next.SetText(z.t("ui.wiz.next"))
	z.next.Enable()
	switch step {
	case 0:
		z.back.Disable()
		z.title.SetText(z.t("ui.wiz.welcome_title"))
		if z.editing {
			// Back from an edited account: it has its registration, so no
			// choice, and the portal steps as a reminder.
			z.body.Add(widgetText(z.t("ui.wiz.welcome")))
		} else {
			z.body.Add(widgetText(z.t("ui.wiz.welcome_choice")))
			z.body.Add(z.choice)
		}
		z.body.Add(z.byHand)
		z.showByHand()
	case 1:
		z.title.SetText(z.t("ui.wiz.tenant_title"))
		z.body.Add(z.field(z.t("ui.wiz.name"), z.name, "name"))
		z.body.Add(z.field(z.t("ui.wiz.tenant"), z.tenant, "tenant"))
		clientID := z.field(z.t("ui.wiz.client_id"), z.clientID, "client_id")
		z.clientID.SetPlaceHolder("00000000-0000-0000-0000-000000000000")
		if z.createForMe() {
			// The sign-in type decides what is created (public client or
			// app-only), so it comes before the box; the client ID the
			// creation fills in comes after it.
			z.clientID.SetPlaceHolder(z.t("ui.wiz.client_id_created"))
			z.body.Add(z.field(z.t("ui.wiz.flow"), z.flow, "flow"))
			z.body.Add(z.registerBox())
			z.body.Add(clientID)
		} else {
			z.body.Add(clientID)
			z.body.Add(z.field(z.t("ui.wiz.flow"), z.flow, "flow"))
		}
		z.body.Add(z.secretField())
		z.body.Add(z.heldSecretNote())
	case 2:
		z.title.SetText(z.t("ui.wiz.mailbox_title"))
		z.body.Add(z.field(z.t("ui.wiz.login"), z.login, "login"))
		z.body.Add(z.field(z.t("ui.wiz.mailbox"), z.mailbox, "mailbox"))
		if !z.editing {
			z.body.Add(widgetText(z.t("window.wiz_mailboxes_hint")))
		}
		for _, p := range app.Protocols {
			z.body.Add(container.NewBorder(nil, z.errs[string(p)], z.proto[p], z.security[p], z.server[p]))
		}
		z.body.Add(z.errs["protocols"])
	case 3:
		z.title.SetText(z.t("ui.wiz.authorize_title"))
		z.back.Disable() // the account is saved; going back would add it twice
		if z.saved != nil && z.saved.Flow == app.FlowApp {
			// App-only access signs nobody in; what it needs instead is the
			// Exchange administrator's one-time PowerShell.
			ps, p := z.svc.ExchangePowerShell(z.saved.Name)
			if p != nil {
				ps = problemText(p, z.lang)
			}
			z.powershell = widget.NewMultiLineEntry()
			z.powershell.SetText(ps)
			z.powershell.Wrapping = fyne.TextWrapOff
			z.powershell.SetMinRowsVisible(12)
			info := widget.NewLabel(z.t("ui.wiz.app_only_hint"))
			info.Wrapping = fyne.TextWrapWord
			z.body.Add(info)
			z.body.Add(z.powershell)
			z.body.Add(widget.NewButton(z.t("ui.copy"), func() { fyne.CurrentApp().Clipboard().SetContent(ps) }))
			break
		}
		z.authStatus = widget.NewLabel(z.t("ui.wiz.authorize_hint"))
		z.authStatus.Wrapping = fyne.TextWrapWord
		progress := widget.NewProgressBarInfinite()
		progress.Hide()
		cancel := widget.NewButton(z.t("ui.wiz.cancel"), func() {
			if z.cancel != nil {
				z.cancel()
			}
		})
		cancel.Hide()
		if !z.editing {
			z.next.Disable() // a new account must sign in once; an edited one may keep its sign-in
		}
		var start *widget.Button
		start = widget.NewButton(z.t("ui.authorize"), func() {
			start.Disable()
			progress.Show()
			progress.Start()
			cancel.Show()
			ctx, c := context.WithCancel(z.ctx)
			z.cancel = c
			deadline := time.Now().Add(5 * time.Minute)
			z.authStatus.SetText(z.t("ui.wiz.waiting", "time", deadline.Format("15:04:05")))
			z.running.Add(1)
			go func() {
				defer z.running.Done()
				defer c()
				res, p := z.svc.Authorize(ctx, z.saved.Name, app.AuthorizeOptions{
					ReadErrorCode: z.readTypedCode,
					BrowserOptions: app.BrowserOptions{OnURL: func(u string) {
						fyne.Do(func() {
							z.authStatus.SetText(z.t("ui.wiz.waiting", "time", deadline.Format("15:04:05")) + "\n" + z.t("ui.open_url", "url", u))
						})
					}},
					OnDeviceCode: func(d app.DeviceCode) {
						fyne.Do(func() {
							z.authStatus.SetText(z.t("ui.wiz.device_waiting"))
							z.deviceBox.RemoveAll()
							z.deviceBox.Add(deviceCodeBox(z.lang, d))
							z.deviceBox.Show()
						})
					},
				})
				if z.ctx.Err() != nil {
					return // the wizard was closed: nothing left to update
				}
				fyne.Do(func() {
					z.deviceBox.Hide()
					progress.Stop()
					progress.Hide()
					cancel.Hide()
					start.Enable()
					if p != nil {
						z.authStatus.SetText(problemText(p, z.lang))
						if app.NeedsAdminConsent(p) {
							z.consentBtn.Show()
						}
						return
					}
					z.consentBtn.Hide()
					msg := z.t("ui.authorized", "name", z.saved.Name, "user", res.User)
					for _, w := range res.Warnings {
						msg += "\n" + problemText(w, z.lang)
					}
					z.authStatus.SetText(msg)
					z.next.Enable()
					// Enter goes on now, not to the focused Authorize button.
					z.win.Canvas().Unfocus()
				})
			}()
		})
		start.Importance = widget.HighImportance
		z.authBtn = start
		z.deviceBox = container.NewVBox()
		z.deviceBox.Hide()
		// Offered when Entra says the organisation has not consented: an
		// administrator consents once, then Authorize works for everyone.
		var consent *widget.Button
		consent = widget.NewButton(z.t("ui.wiz.admin_consent"), func() {
			consent.Disable()
			z.authStatus.SetText(z.t("ui.wiz.admin_consent_waiting"))
			ctx, c := context.WithCancel(z.ctx)
			z.cancel = c
			z.running.Add(1)
			go func() {
				defer z.running.Done()
				defer c()
				p := z.svc.AdminConsent(ctx, z.saved.Name, app.BrowserOptions{})
				if z.ctx.Err() != nil {
					return
				}
				fyne.Do(func() {
					consent.Enable()
					if p != nil {
						z.authStatus.SetText(problemText(p, z.lang))
						return
					}
					consent.Hide()
					z.authStatus.SetText(z.t("ui.wiz.admin_consent_done"))
				})
			}()
		})
		consent.Hide()
		z.consentBtn = consent
		z.body.Add(z.authStatus)
		z.body.Add(z.deviceBox)
		z.body.Add(container.NewHBox(start, consent, cancel))
		z.body.Add(progress)
		z.body.Add(z.typedCodeBox())
	case 4:
		z.title.SetText(z.t("ui.wiz.verify_title"))
		z.back.Disable()
		z.next.SetText(z.t("ui.wiz.finish"))
		z.verifyInfo = widget.NewLabel("")
		z.verifyInfo.Wrapping = fyne.TextWrapWord
		for _, p := range app.Protocols {
			l := newLight(strings.ToUpper(string(p)))
			z.lights[string(p)] = l
			z.body.Add(l.Object)
		}
		z.body.Add(z.verifyInfo)
		name := z.saved.Name
		z.body.Refresh()
		// The checks start only after the step is drawn, and each light
		// changes as its result arrives.
		z.running.Add(1)
		go func() {
			defer z.running.Done()
			z.svc.Check(z.ctx, []string{name}, app.CheckOptions{}, func(r status.Result) {
				if z.ctx.Err() == nil {
					fyne.DoAndWait(func() { z.showResult(r) })
				}
			})
		}()
		return
	}
	z.body.Refresh()
}

func (z *Wizard) showResult(r status.Result) {
	l := z.lights[r.Protocol]
	if l == nil {
		return
	}
	l.Set(r.Level, strings.ToUpper(r.Protocol)+" "+levelWord(z.lang, r.Level)+fmt.Sprintf(" (%d ms)", r.Duration.Milliseconds()))
	if r.Problem != nil {
		z.verifyInfo.SetText(strings.TrimSpace(z.verifyInfo.Text + "\n" + strings.ToUpper(r.Protocol) + ": " + problemText(r.Problem, z.lang)))
	}
}

func widgetText(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (z *Wizard) setErrs(probs []*status.Problem) {
	for _, l := range z.errs {
		l.Hide()
	}
	for _, p := range probs {
		f := p.Args["field"]
		f = strings.TrimSuffix(f, "_security")
		l := z.errs[f]
		if l == nil {
			l = z.errs["protocols"]
		}
		l.SetText(problemText(p, z.lang))
		l.Show()
	}
	z.showSecretField()
}

func (z *Wizard) input() app.Input {
	in := app.Input{Name: z.name.Text, Tenant: z.tenant.Text, ClientID: z.clientID.Text, Login: z.login.Text, Mailbox: z.mailbox.Text}
	in.Flow = string(wizardFlows[max(z.flow.SelectedIndex(), 0)])
	val := func(p app.Protocol) string {
		if !z.proto[p].Checked {
			return "off"
		}
		return z.server[p].Text
	}
	in.IMAP, in.POP3, in.SMTP = val(app.IMAP), val(app.POP3), val(app.SMTP)
	sec := func(p app.Protocol) string {
		return map[int]string{1: "tls", 2: "starttls"}[z.security[p].SelectedIndex()]
	}
	in.IMAPSecurity, in.POP3Security, in.SMTPSecurity = sec(app.IMAP), sec(app.POP3), sec(app.SMTP)
	return in
}

// onNext validates the current step with the core's parsers.
func (z *Wizard) onNext() {
	switch z.step {
	case 1:
		probs := app.ValidateApp(z.input(), z.secret.Text != "" || z.editing && z.hadSecret || z.secretHeld())
		z.setErrs(probs)
		if len(probs) > 0 {
			return
		}
		z.followCloud()
	case 2:
		// Several mailboxes for one login (a delegate's shared mailboxes)
		// become several accounts sharing one sign-in; the core checks
		// each address, the first stands for them here.
		boxes := app.SplitMailboxes(z.mailbox.Text)
		check := z.input()
		if len(boxes) > 1 {
			check.Mailbox = boxes[0]
		}
		probs := app.Validate(check)
		z.setErrs(probs)
		if len(probs) > 0 {
			return
		}
		add := func(ctx context.Context, in app.Input, secret string) (*app.Saved, []*status.Problem) {
			saved, probs := z.svc.AddMailboxes(ctx, in, boxes, secret)
			if len(probs) > 0 {
				return nil, probs
			}
			z.added = nil
			for _, sv := range saved {
				z.added = append(z.added, sv.Account.Name)
			}
			return saved[0], nil
		}
		if z.editing {
			add = z.svc.Update
		}
		// Saving may ask the identity platform for the tenant's GUID, so it
		// runs off the UI thread; Next and Back wait for it.
		in, secret := z.input(), z.secret.Text
		z.next.Disable()
		z.back.Disable()
		z.running.Add(1)
		go func() {
			defer z.running.Done()
			ctx, cancel := context.WithTimeout(z.ctx, time.Minute)
			defer cancel()
			saved, probs := add(ctx, in, secret)
			if z.ctx.Err() != nil {
				return
			}
			fyne.Do(func() {
				z.next.Enable()
				z.back.Enable()
				z.setErrs(probs)
				if len(probs) > 0 {
					return
				}
				z.saved = saved.Account
				if saved.Note != nil {
					// Kept with the domain (offline lookup): worth saying.
					z.errs["tenant"].SetText(problemText(saved.Note, z.lang))
				}
				z.show(3)
			})
		}()
		return
	case 4:
		if z.done != nil {
			z.done(z.saved.Name)
		}
		return
	}
	z.show(z.step + 1)
}

// wizardFlows are the sign-in types in the order the wizard offers them.
var wizardFlows = []app.Flow{app.FlowBrowser, app.FlowDevice, app.FlowApp}

func flowIndex(f app.Flow) int {
	for i, x := range wizardFlows {
		if x == f {
			return i
		}
	}
	return 0
}

// followCloud puts the tenant's cloud's servers (GCC High, 21Vianet) into
// the server fields that still hold another cloud's defaults; a server the
// user typed stays.
func (z *Wizard) followCloud() {
	fields := map[app.Protocol]string{}
	for _, p := range app.Protocols {
		fields[p] = z.server[p].Text
	}
	for p, v := range app.FollowCloud(z.tenant.Text, fields) {
		if v != z.server[p].Text {
			z.server[p].SetText(v)
		}
	}
}

// problemText is a problem as the wizard shows it: what is wrong, then on
// its own line what to do.
func problemText(p *status.Problem, lang i18n.Lang) string {
	return p.Message(lang) + "\n→ " + p.Fix(lang)
}
