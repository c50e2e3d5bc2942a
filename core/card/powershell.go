package card

import (
	"strings"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
)

// ExchangePowerShell is what an Exchange administrator runs once so that an
// app-only account (client credentials) may open its mailbox — Exchange
// Online refuses an app-only token for a mailbox until this is done:
// the app becomes an Exchange service principal, which then gets full
// access and, for the test mail, SendAs. The values are the account's. The
// Enterprise application's object ID is filled in when the account knows it
// (mailoauth register made the app); otherwise it stays a placeholder with a
// warning, because the app registration's object ID (the one people copy)
// is the wrong one.
func ExchangePowerShell(a *account.Account, lang i18n.Lang) string {
	t := func(key string) string { return "# " + i18n.T(lang, "card.ps."+key, nil) }
	objectID := i18n.T(lang, "card.ps.object_id_placeholder", nil)
	objectNote := t("object_id")
	if a.ServicePrincipalID != "" {
		objectID, objectNote = a.ServicePrincipalID, t("object_id_known")
	}
	mailbox := a.MailboxAddress()
	lines := []string{
		t("intro"),
		"Install-Module -Name ExchangeOnlineManagement -Scope CurrentUser",
		"Connect-ExchangeOnline -Organization " + a.Tenant,
		"",
		objectNote,
		"New-ServicePrincipal -AppId " + a.ClientID + " -ObjectId " + objectID + ` -DisplayName "mailoauth ` + a.Name + `"`,
		"Get-ServicePrincipal -Identity " + a.ClientID + " | Format-List DisplayName,AppId,ObjectId,Identity",
		"",
		t("full_access"),
		"Add-MailboxPermission -Identity " + mailbox + " -User " + objectID + " -AccessRights FullAccess",
		t("send_as"),
		"Add-RecipientPermission -Identity " + mailbox + " -Trustee " + objectID + " -AccessRights SendAs -Confirm:$false",
	}
	return strings.Join(lines, "\n")
}
