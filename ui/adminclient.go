package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// adminClient is the window's --admin-client-id: the client ID of the
// organisation's own admin client, for tenants that refuse Microsoft Graph
// Command Line Tools (no consent for it, assignment required, Conditional
// Access). It stays hidden until such a refusal, whose fix names it, so
// the usual path shows one field less.
type adminClient struct {
	lang  i18n.Lang
	entry *widget.Entry
	row   *fyne.Container
}

func newAdminClient(lang i18n.Lang) *adminClient {
	b := &adminClient{lang: lang, entry: widget.NewEntry()}
	b.entry.SetPlaceHolder("00000000-0000-0000-0000-000000000000")
	b.row = container.NewBorder(nil, nil, widget.NewLabel(tr(lang, "ui.appreg.admin_client")), nil, b.entry)
	b.row.Hide()
	return b
}

// id is the typed client ID ("" = Microsoft Graph Command Line Tools).
func (b *adminClient) id() string {
	if !b.row.Visible() {
		return ""
	}
	return strings.TrimSpace(b.entry.Text)
}

// offer shows the field when p is the tenant refusing the administrators'
// client, and returns the line that says where to type its replacement
// ("" for any other problem).
func (b *adminClient) offer(p *status.Problem) string {
	if !app.AdminClientRefused(p) {
		return ""
	}
	b.row.Show()
	return tr(b.lang, "ui.appreg.admin_client_hint")
}
