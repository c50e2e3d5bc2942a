package card

import (
	"strings"
	"testing"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
)

const tenant = "0b3c1a2d-4e5f-4789-abcd-ef0123456789"

func sample(t *testing.T, mailbox string) *account.Account {
	t.Helper()
	a, probs := account.Input{Name: "x", Login: "anna@contoso.de", Mailbox: mailbox, Tenant: "https://login.microsoftonline.com/" + tenant + "/v2.0",
		ClientID: "11111111-2222-4333-8444-555555555555"}.Build()
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	a.SentFolder = "Gesendete Elemente"
	return a
}

func value(fields []Field, label string) (string, bool) {
	for _, f := range fields {
		if f.Label == label {
			return f.Value, true
		}
	}
	return "", false
}

// TestProductCards: each product card uses the field names and value forms
// of that product's own setup guide, filled from the account.
func TestProductCards(t *testing.T) {
	a := sample(t, "info@contoso.de")
	login := "https://login.microsoftonline.com/" + tenant
	want := map[string]map[string]string{
		"helium5": {"IMAPSERVER_TYP": "1", "IMAPSERVER_ANWENDUNGS-ID": a.ClientID, "IMAPSERVER_MANDANTEN_URL": login + "/",
			"IMAPSERVER": "outlook.office365.com", "IMAPSERVER_SENTFOLDER": "Gesendete Elemente", "MAIL_SERVICE_PARAMETER": "1", "Benutzer": "info@contoso.de"},
		"myfactory": {"IMAP: Port": "993", "IMAP: Verbindungssicherheit": "SSL/TLS", "IMAP: Authentifizierung": "OAuth20",
			"SMTP: SMTP-Servername": "smtp.office365.com", "SMTP: SMTP-Port": "587", "SMTP: OAuth 2.0-Authentifizierung": "tick it",
			"POP3: POP3-SSL-Port": "995", "POP3: Anwendungs-ID (Client)": a.ClientID},
		"divera": {"Art der Verbindung": "IMAP (Office 365 OAuth)", "IMAP-Server": "outlook.office365.com", "Port": "993", "Verschlüsselung": "TLS",
			"Benutzername": "info@contoso.de", "Mandanten-ID": login, "Anwendungs-ID": a.ClientID},
		"timesensor": {"Provider": "Microsoft 365", "Art des Kontos": "POP3", "Email-Adresse": "info@contoso.de",
			"Verzeichnis-ID (Mandant)": tenant, "Anwendungs-ID (Client)": a.ClientID},
		"acmp": {"Passwortverschlüsselung": "OAuth", "Application/Client ID": a.ClientID, "Kontotyp": "Microsoft Azure AD (nur Organisationen)",
			"Server Informationen: Absender": "info@contoso.de", "Nicht vertrauensvolle Zertifikate akzeptieren": "leave unticked"},
	}
	for product, fields := range want {
		got, ok := ForProduct(product, a, "", i18n.EN)
		if !ok {
			t.Fatalf("%s: unknown", product)
		}
		for label, v := range fields {
			if g, found := value(got, label); !found || g != v {
				t.Errorf("%s %q = %q (present %v), want %q", product, label, g, found, v)
			}
		}
	}
	// No product has a tenant field where its page has none.
	for _, p := range []string{"myfactory", "acmp"} {
		got, _ := ForProduct(p, a, "", i18n.EN)
		for _, f := range got {
			if strings.Contains(f.Value, tenant) {
				t.Errorf("%s shows the tenant in %q", p, f.Label)
			}
		}
	}
	// A secret is named, never shown (the card has no access to it anyway).
	got, _ := ForProduct("divera", a, "", i18n.DE)
	if v, _ := value(got, "Client Secret"); !strings.Contains(v, "nie an") {
		t.Errorf("DIVERA client secret line %q", v)
	}
}

func TestProductChoice(t *testing.T) {
	a := sample(t, "")
	for _, id := range []string{"", "generic", " Generic "} {
		got, ok := ForProduct(id, a, "", i18n.EN)
		if v, _ := value(got, i18n.T(i18n.EN, "card.login_url", nil)); !ok || v != "https://login.microsoftonline.com/"+tenant+"/" {
			t.Errorf("%q: generic card %v %q", id, ok, v)
		}
	}
	if _, ok := ForProduct("outlook", a, "", i18n.EN); ok {
		t.Error("unknown product accepted")
	}
	if !strings.Contains(ProductIDs(), "helium5") || !strings.HasPrefix(ProductIDs(), "generic") {
		t.Errorf("ids %q", ProductIDs())
	}
	// The remembered sent folder reaches the generic card too.
	if v, _ := value(Generic(a, "", i18n.EN), i18n.T(i18n.EN, "card.sent_folder", nil)); v != "Gesendete Elemente" {
		t.Errorf("sent folder %q", v)
	}
}

// TestExchangePowerShell: an app-only account's card carries the Exchange
// steps with its own values and the object-ID warning.
func TestExchangePowerShell(t *testing.T) {
	a := sample(t, "info@contoso.de")
	if v, ok := value(Generic(a, "", i18n.EN), i18n.T(i18n.EN, "card.exchange_powershell", nil)); ok {
		t.Fatalf("delegated account shows PowerShell: %q", v)
	}
	a.Flow = account.FlowApp
	fields := Generic(a, "", i18n.DE)
	ps, ok := value(fields, i18n.T(i18n.DE, "card.exchange_powershell", nil))
	if !ok {
		t.Fatal("no PowerShell on the app-only card")
	}
	for _, want := range []string{
		"Connect-ExchangeOnline -Organization " + tenant,
		"New-ServicePrincipal -AppId " + a.ClientID + " -ObjectId <OBJEKT-ID>",
		"Get-ServicePrincipal -Identity " + a.ClientID,
		"Add-MailboxPermission -Identity info@contoso.de -User <OBJEKT-ID> -AccessRights FullAccess",
		"Add-RecipientPermission -Identity info@contoso.de -Trustee <OBJEKT-ID> -AccessRights SendAs",
		"Unternehmensanwendungen", "NICHT die Objekt-ID der App-Registrierung",
	} {
		if !strings.Contains(ps, want) {
			t.Errorf("PowerShell lacks %q:\n%s", want, ps)
		}
	}
	// When the registration was made by mailoauth, the real object ID of the
	// Enterprise application is filled in: no placeholder is left.
	a.ServicePrincipalID = "9a8b7c6d-1111-4222-8333-444455556666"
	known := ExchangePowerShell(a, i18n.EN)
	if strings.Contains(known, "<OBJECT-ID>") || !strings.Contains(known, "-ObjectId 9a8b7c6d-1111-4222-8333-444455556666") ||
		!strings.Contains(known, "-User 9a8b7c6d-1111-4222-8333-444455556666") {
		t.Errorf("object ID not filled in:\n%s", known)
	}
	// In the text card the block stands below its label, each line indented.
	if txt := Text(fields); !strings.Contains(txt, ":\n    # ") || !strings.Contains(txt, "\n    Connect-ExchangeOnline") {
		t.Errorf("text card:\n%s", txt)
	}
}

// TestCloudScopes: the card gives the scopes of the account's own cloud —
// the helpdesk copies them into the product, and a GCC High or 21Vianet
// Exchange refuses a token for the global resource.
func TestCloudScopes(t *testing.T) {
	for _, tc := range []struct {
		cloud, delegated, app string
	}{
		{"global", "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access openid profile email",
			"https://outlook.office365.com/.default"},
		{"usgov", "https://outlook.office365.us/IMAP.AccessAsUser.All https://outlook.office365.us/POP.AccessAsUser.All https://outlook.office365.us/SMTP.Send offline_access openid profile email",
			"https://outlook.office365.us/.default"},
		{"china", "https://partner.outlook.cn/IMAP.AccessAsUser.All https://partner.outlook.cn/POP.AccessAsUser.All https://partner.outlook.cn/SMTP.Send offline_access openid profile email",
			"https://partner.outlook.cn/.default"},
	} {
		a, probs := account.Input{Name: "x", Login: "anna@contoso.de", Tenant: tenant, Cloud: tc.cloud,
			ClientID: "11111111-2222-4333-8444-555555555555"}.Build()
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		label := i18n.T(i18n.EN, "card.scopes", nil)
		if v, _ := value(Generic(a, "", i18n.EN), label); v != tc.delegated {
			t.Errorf("%s delegated scopes %q, want %q", tc.cloud, v, tc.delegated)
		}
		a.Flow = account.FlowApp
		if v, _ := value(Generic(a, "", i18n.EN), label); v != tc.app {
			t.Errorf("%s app-only scope %q, want %q", tc.cloud, v, tc.app)
		}
	}
}

// TestSMTPUserOfSharedMailbox: for a shared mailbox every card says that
// SMTP signs in as the login (Exchange refuses the shared mailbox as the
// SMTP identity) and sends from the mailbox; IMAP/POP3 fields keep the
// mailbox. For a user's own mailbox nothing extra is said.
func TestSMTPUserOfSharedMailbox(t *testing.T) {
	shared := sample(t, "info@contoso.de")
	own := sample(t, "")
	for _, l := range i18n.Langs {
		g := Generic(shared, "", l)
		if v, _ := value(g, i18n.T(l, "card.smtp_user", nil)); v != "anna@contoso.de" {
			t.Errorf("%s generic SMTP user %q", l, v)
		}
		if v, _ := value(g, i18n.T(l, "card.smtp_from", nil)); v != "info@contoso.de" {
			t.Errorf("%s generic SMTP sender %q", l, v)
		}
		for _, product := range []string{"myfactory", "timesensor", "acmp"} {
			got, _ := ForProduct(product, shared, "", l)
			note, ok := value(got, i18n.T(l, "card.smtp_note", nil))
			if !ok || !strings.Contains(note, "anna@contoso.de") || !strings.Contains(note, "info@contoso.de") || !strings.Contains(note, "-AccessRights SendAs") {
				t.Errorf("%s %s: SMTP note %q", l, product, note)
			}
			if got, _ := ForProduct(product, own, "", l); func() bool { _, ok := value(got, i18n.T(l, "card.smtp_note", nil)); return ok }() {
				t.Errorf("%s %s: SMTP note for a user's own mailbox", l, product)
			}
		}
		mf, _ := ForProduct("myfactory", shared, "", l)
		if v, _ := value(mf, "SMTP: E-Mail-Adresse"); v != "anna@contoso.de" {
			t.Errorf("myfactory SMTP address %q, want the login", v)
		}
		if v, _ := value(mf, "IMAP: E-Mail-Adresse"); v != "info@contoso.de" {
			t.Errorf("myfactory IMAP address %q, want the mailbox", v)
		}
	}
	// App-only: no delegate; SMTP signs in as the mailbox itself.
	app := sample(t, "info@contoso.de")
	app.Flow = account.FlowApp
	if v, _ := value(Generic(app, "", i18n.EN), i18n.T(i18n.EN, "card.smtp_user", nil)); v != "info@contoso.de" {
		t.Errorf("app-only SMTP user %q", v)
	}
}
