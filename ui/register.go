package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
)

// registerBox is the tenant step's "Create the app registration for me"
// (when the welcome step chose it): an administrator signs in once and the
// core creates (or finds and repairs) the registration through Microsoft
// Graph; its tenant and client ID then fill the fields around it. The step users struggle with most, done for them.
func (z *Wizard) registerBox() fyne.CanvasObject {
	if z.regAdmin == nil {
		z.regAdmin = widget.NewEntry()
		z.regAdmin.SetPlaceHolder("admin@contoso.com")
		z.regAdmin.SetText(z.svc.SuggestAdmin())
		// Enter is Next here too, as in every field of the wizard (the
		// entry keeps the key from the window); Create is its button.
		z.regAdmin.OnSubmitted = func(string) { z.enter() }
		z.regStatus = widgetText(z.t("ui.wiz.choice_register_hint"))
		z.regBtn = widget.NewButton(z.t("ui.wiz.register"), z.register)
		z.regClient = newAdminClient(z.lang)
	}
	return container.NewVBox(widget.NewSeparator(), z.regStatus,
		container.NewBorder(nil, nil, widget.NewLabel(z.t("ui.wiz.register_admin")), z.regBtn, z.regAdmin), z.regClient.row,
		widget.NewSeparator())
}

func (z *Wizard) register() {
	flow := wizardFlows[max(z.flow.SelectedIndex(), 0)]
	z.regBtn.Disable()
	z.setRegStatus(z.t("ui.wiz.register_signin"))
	ctx, cancel := context.WithCancel(z.ctx)
	z.cancel = cancel
	given := strings.TrimSpace(z.tenant.Text)
	req := app.RegisterRequest{
		AdminOptions: app.AdminOptions{
			Admin:         strings.TrimSpace(z.regAdmin.Text),
			AdminClientID: z.regClient.id(),
			BrowserOptions: app.BrowserOptions{OnURL: func(u string) {
				fyne.Do(func() { z.setRegStatus(z.t("ui.wiz.register_signin") + "\n" + z.t("ui.open_url", "url", u)) })
			}},
			Progress: func(p app.RegisterProgress) {
				text := progressText(z.lang, p)
				fyne.Do(func() { z.setRegStatus(text) })
			},
		},
		Tenant: given,
		Flow:   string(flow),
		// App-only: the new client secret waits in the service's memory
		// for the account the mailbox step adds, and goes into its keyring
		// entry then; the wizard never holds it.
		HoldSecret: flow == app.FlowApp,
	}
	if flow == app.FlowApp && z.heldClient != "" && strings.EqualFold(z.clientID.Text, z.heldClient) {
		// Run again: the same registration, whose secret is held already.
		req.ClientID = z.heldClient
	}
	z.running.Add(1)
	go func() {
		defer z.running.Done()
		defer cancel()
		res, probs := z.svc.Register(ctx, req)
		if z.ctx.Err() != nil {
			return // the wizard was closed
		}
		fyne.Do(func() {
			z.regBtn.Enable()
			if len(probs) > 0 {
				var lines []string
				for _, p := range probs {
					lines = append(lines, problemText(p, z.lang))
					if hint := z.regClient.offer(p); hint != "" {
						lines = append(lines, hint)
					}
				}
				z.setRegStatus(strings.Join(lines, "\n"))
				return
			}
			z.tenant.SetText(app.TenantField(given, res.TenantID))
			z.clientID.SetText(res.ClientID)
			key := "ui.wiz.register_found"
			if res.Created {
				key = "ui.wiz.register_created"
			}
			text := z.t(key, "name", res.Name, "client", res.ClientID)
			z.heldClient = ""
			if res.SecretHeld {
				z.heldClient = res.ClientID
				// Only a secret made now is new in Entra; a second
				// mailbox of the app takes the one an account keeps.
				z.heldText = z.t("ui.appreg.secret_held")
				if res.SecretFrom != "" {
					z.heldText = z.t("ui.appreg.secret_reused", "name", res.SecretFrom)
				}
				if z.heldNote != nil {
					z.heldNote.SetText(z.heldText)
				}
				text += "\n" + z.heldText
			}
			z.setRegStatus(text)
			z.showHeldSecret()
			// Enter goes on now, not to the focused button (Space pressed it).
			z.win.Canvas().Unfocus()
		})
	}()
}

// secretHeld: the registration made in this wizard holds a client secret
// for the app in the client ID field, so none needs to be typed.
func (z *Wizard) secretHeld() bool {
	return z.heldClient != "" && strings.EqualFold(strings.TrimSpace(z.clientID.Text), z.heldClient)
}

// heldSecretNote stands under the client secret field: it says that the
// secret was created and where it goes, without showing it.
func (z *Wizard) heldSecretNote() fyne.CanvasObject {
	if z.heldNote == nil {
		if z.heldText == "" {
			z.heldText = z.t("ui.appreg.secret_held")
		}
		z.heldNote = widgetText(z.heldText)
		z.heldNote.Importance = widget.SuccessImportance
	}
	z.showHeldSecret()
	return z.heldNote
}

func (z *Wizard) showHeldSecret() {
	if z.heldNote == nil {
		return
	}
	if z.secretHeld() {
		z.heldNote.Show()
	} else {
		z.heldNote.Hide()
	}
}

// progressText is a step of creating, checking or repairing a registration
// as the window shows it; while Entra replicates, how long it has waited.
func progressText(lang i18n.Lang, p app.RegisterProgress) string {
	if p.Waiting && p.Step != "appreg.step.throttled" {
		return tr(lang, "appreg.step.waiting", "elapsed", p.Elapsed.Round(time.Second).String())
	}
	return i18n.T(lang, p.Step, i18n.Args(p.Args))
}

// typedCodeBox is where the user types the code Microsoft's page shows when
// it cannot send the browser back (AADSTS50011, 700016, …): the waiting
// sign-in then ends with our text and fix for it instead of running out.
func (z *Wizard) typedCodeBox() fyne.CanvasObject {
	if z.codeEntry == nil {
		z.codes = make(chan string, 4)
		z.codeEntry = widget.NewEntry()
		z.codeEntry.SetPlaceHolder("AADSTS50011")
		z.codeEntry.OnSubmitted = z.sendTypedCode
	}
	explain := widget.NewButton(z.t("ui.wiz.code_explain"), func() { z.sendTypedCode(z.codeEntry.Text) })
	return container.NewVBox(widgetText(z.t("ui.wiz.code_hint")), container.NewBorder(nil, nil, nil, explain, z.codeEntry))
}

func (z *Wizard) sendTypedCode(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	select {
	case z.codes <- s:
	default: // nobody waits: no sign-in is running
	}
}

// readTypedCode hands the sign-in what was typed into the code field.
func (z *Wizard) readTypedCode(ctx context.Context) (string, error) {
	select {
	case s := <-z.codes:
		return s, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// setRegStatus says where the creation stands; the box stands above the
// client ID now, so the step is laid out again when the text grows or
// shrinks (a label alone does not move what follows it).
func (z *Wizard) setRegStatus(text string) {
	z.regStatus.SetText(text)
	z.body.Refresh()
}
