package card

import (
	"strconv"
	"strings"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/mailcheck"
)

// Product is a mail-using product whose settings page we know (from its
// vendor's setup guide). Its field labels are the product's own words and
// stay as the product shows them, in every language: the helpdesk looks for
// exactly that label on the product's screen, so they are not catalogue texts.
type Product struct {
	ID   string // for --product
	Name string
	card func(a *account.Account, sentFolder string, lang i18n.Lang) []Field
}

// Products lists the product cards, generic first.
var Products = []Product{
	{"generic", "", nil},
	{"helium5", "HELIUM 5", helium5},
	{"myfactory", "myfactory", myfactory},
	{"divera", "DIVERA 24/7", divera},
	{"timesensor", "timeSensor LEGAL", timeSensor},
	{"acmp", "Aagon ACMP", acmp},
}

// ProductIDs is "generic, helium5, …" for messages.
func ProductIDs() string {
	var ids []string
	for _, p := range Products {
		ids = append(ids, p.ID)
	}
	return strings.Join(ids, ", ")
}

// ForProduct returns the card for product id ("" or "generic": Generic);
// ok is false for an unknown product.
func ForProduct(id string, a *account.Account, sentFolder string, lang i18n.Lang) (fields []Field, ok bool) {
	id = strings.ToLower(strings.TrimSpace(id))
	if sentFolder == "" {
		sentFolder = a.SentFolder
	}
	for _, p := range Products {
		if p.ID == id || id == "" && p.ID == "generic" {
			if p.card == nil {
				return Generic(a, sentFolder, lang), true
			}
			return p.card(a, sentFolder, lang), true
		}
	}
	return nil, false
}

// builder collects fields; empty values are left out.
type builder struct {
	lang i18n.Lang
	out  []Field
}

func (b *builder) add(label, value string) {
	if value != "" {
		b.out = append(b.out, Field{Key: label, Label: label, Value: value})
	}
}

// smtpNote explains, when the account sends as a shared mailbox, that the
// product's SMTP user field takes the login and not the mailbox: Exchange
// never takes a shared mailbox as the SMTP sign-in, while IMAP and POP3 do.
func (b *builder) smtpNote(a *account.Account) {
	t := mailcheck.TargetFor(a, account.SMTP)
	if !a.SMTP.Enabled || strings.EqualFold(t.User, t.From) {
		return
	}
	label := i18n.T(b.lang, "card.smtp_note", nil)
	b.out = append(b.out, Field{Key: "smtp_note", Label: label,
		Value: i18n.T(b.lang, "card.value.smtp_shared", i18n.Args{"login": t.User, "mailbox": t.From})})
}

// word is a value in the user's language (on, off, "kept in the keyring").
func (b *builder) word(key string) string { return i18n.T(b.lang, "card.value."+key, nil) }

func loginURL(a *account.Account) string {
	return strings.TrimSuffix(a.Authority, "/") + "/" + a.Tenant
}

func security(s account.Server) string {
	if s.Security == account.STARTTLS {
		return "STARTTLS"
	}
	return "SSL/TLS"
}

// helium5: ERP parameters of HELIUM 5's guide, IMAP filing of sent mail
// only. The
// page spells the login URL "https://login/microsoftonline.com/"; that is a
// typo, the value here is the working one.
func helium5(a *account.Account, sent string, lang i18n.Lang) []Field {
	b := &builder{lang: lang}
	b.add("IMAPSERVER_TYP", "1")
	b.add("IMAPSERVER_ANWENDUNGS-ID", a.ClientID)
	b.add("IMAPSERVER_MANDANTEN_URL", loginURL(a)+"/")
	if a.IMAP.Enabled {
		b.add("IMAPSERVER", a.IMAP.Host)
	}
	b.add("IMAPSERVER_SENTFOLDER", sent)
	b.add("MAIL_SERVICE_PARAMETER", "1")
	b.add("Benutzer", a.MailboxAddress())
	return b.out
}

// myfactory: one mailbox per protocol, the same client ID in each, no
// tenant field (myfactory's online help).
func myfactory(a *account.Account, _ string, lang i18n.Lang) []Field {
	b := &builder{lang: lang}
	if s := a.IMAP; s.Enabled {
		b.add("IMAP: E-Mail-Adresse", a.MailboxAddress())
		b.add("IMAP: Server", s.Host)
		b.add("IMAP: Port", strconv.Itoa(s.Port))
		b.add("IMAP: Verbindungssicherheit", security(s))
		b.add("IMAP: Authentifizierung", "OAuth20")
		b.add("IMAP: Anwendungs-ID (Client)", a.ClientID)
	}
	if s := a.SMTP; s.Enabled {
		// The outgoing mailbox signs in as the login; for a shared mailbox
		// that is the delegate, not the shared address.
		b.add("SMTP: E-Mail-Adresse", mailcheck.TargetFor(a, account.SMTP).User)
		b.add("SMTP: SMTP-Servername", s.Host)
		b.add("SMTP: SMTP-Port", strconv.Itoa(s.Port))
		b.add("SMTP: OAuth 2.0-Authentifizierung", b.word("on"))
		b.add("SMTP: Anwendungs-ID (Client)", a.ClientID)
	}
	if s := a.POP3; s.Enabled {
		b.add("POP3: Server", s.Host)
		b.add("POP3: POP3-SSL-Port", strconv.Itoa(s.Port))
		b.add("POP3: Authentifizierung", "OAuth20")
		b.add("POP3: Anwendungs-ID (Client)", a.ClientID)
	}
	b.smtpNote(a)
	return b.out
}

// divera: alarm server, IMAP with app-only access (DIVERA 24/7's guide).
// Its field
// "Mandanten-ID" takes the login URL plus tenant, without a trailing slash.
func divera(a *account.Account, _ string, lang i18n.Lang) []Field {
	b := &builder{lang: lang}
	b.add("Art der Verbindung", "IMAP (Office 365 OAuth)")
	if s := a.IMAP; s.Enabled {
		b.add("IMAP-Server", s.Host)
		b.add("Port", strconv.Itoa(s.Port))
		b.add("Verschlüsselung", strings.TrimPrefix(security(s), "SSL/"))
	}
	b.add("Benutzername", a.MailboxAddress())
	b.add("Mandanten-ID", loginURL(a))
	b.add("Anwendungs-ID", a.ClientID)
	b.add("Client Secret", b.word("secret_in_keyring"))
	return b.out
}

// timeSensor: POP3 and SMTP, tenant ID, client ID and client secret once
// per Kanzlei (timeSensor LEGAL's guide).
func timeSensor(a *account.Account, _ string, lang i18n.Lang) []Field {
	b := &builder{lang: lang}
	b.add("Provider", "Microsoft 365")
	b.add("Art des Kontos", "POP3")
	b.add("Email-Adresse", a.MailboxAddress())
	b.add("Anwendungs-ID (Client)", a.ClientID)
	b.add("Verzeichnis-ID (Mandant)", a.Tenant)
	b.add("Clientanmeldeinformation", b.word("secret_in_keyring"))
	// One address for POP3 and SMTP: right for a user's own mailbox; for a
	// shared one SMTP must sign in as the delegate.
	b.smtpNote(a)
	return b.out
}

// acmp: E-Mail Service of the ACMP server, token dialog with the client ID
// and the account type; no tenant field (Aagon's ACMP guide).
func acmp(a *account.Account, _ string, lang i18n.Lang) []Field {
	b := &builder{lang: lang}
	b.add("Server Informationen: Absender", a.MailboxAddress())
	for _, p := range a.EnabledProtocols() {
		s := a.Server(p)
		name := strings.ToUpper(string(p))
		b.add("Server Informationen: "+name+"-Server", s.Host)
		b.add("Server Informationen: "+name+"-Port", strconv.Itoa(s.Port))
		b.add("Server Informationen: "+name+" "+b.word("encryption"), security(s))
	}
	b.add("Nicht vertrauensvolle Zertifikate akzeptieren", b.word("off"))
	b.add("Passwortverschlüsselung", "OAuth")
	b.add("Application/Client ID", a.ClientID)
	b.add("Kontotyp", "Microsoft Azure AD (nur Organisationen)")
	b.smtpNote(a)
	return b.out
}
