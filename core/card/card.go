// Package card builds the settings card of an account: the values a
// helpdesk types into the product that will use the mailbox (tenant, the
// login URL in the forms products ask for, client ID, redirect URI, scopes,
// servers), each with a label from the catalogue.
package card

import (
	"strconv"
	"strings"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/mailcheck"
	"mailoauth/core/oauth"
)

// Field is one line of the card.
type Field struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// Generic returns the card for any product. sentFolder is the IMAP sent
// folder found by a check just run ("": the one remembered, if any).
func Generic(a *account.Account, sentFolder string, lang i18n.Lang) []Field {
	if sentFolder == "" {
		sentFolder = a.SentFolder // remembered from the last IMAP check
	}
	base := strings.TrimSuffix(a.Authority, "/") + "/" + a.Tenant
	redirect := "http://localhost"
	if a.Redirect == account.RedirectNativeClient {
		redirect = account.NativeClientURI
	}
	// The scopes of the account's own cloud: a GCC High or 21Vianet product
	// given the global scopes gets tokens its Exchange refuses.
	protos := a.EnabledProtocols()
	scopes := strings.Join(oauth.DelegatedScopes(protos, a.Cloud()), " ")
	if a.Flow == account.FlowApp {
		scopes = a.Cloud().AppScope
	}
	var out []Field
	add := func(key, value string) {
		if value != "" {
			out = append(out, Field{Key: key, Label: i18n.T(lang, "card."+key, nil), Value: value})
		}
	}
	add("tenant_id", a.Tenant)
	add("login_url", base+"/")
	add("authority_v2", base+"/v2.0")
	add("authorize_url", base+"/oauth2/v2.0/authorize")
	add("token_url", base+"/oauth2/v2.0/token")
	add("client_id", a.ClientID)
	add("redirect_uri", redirect)
	add("scopes", scopes)
	add("login", a.Login)
	add("mailbox", a.MailboxAddress())
	for _, p := range protos {
		s := a.Server(p)
		mode := "SSL/TLS"
		if s.Security == account.STARTTLS {
			mode = "STARTTLS"
		}
		add(string(p)+"_server", s.Host)
		add(string(p)+"_port", strconv.Itoa(s.Port))
		add(string(p)+"_security", mode)
		if p == account.SMTP {
			t := mailcheck.TargetFor(a, p)
			add("smtp_user", t.User)
			add("smtp_from", t.From)
		}
	}
	add("sent_folder", sentFolder)
	if a.Flow == account.FlowApp {
		add("exchange_powershell", ExchangePowerShell(a, lang))
	}
	return out
}

// Text renders the card as aligned "label: value" lines.
func Text(fields []Field) string {
	w := 0
	for _, f := range fields {
		if n := len([]rune(f.Label)); n > w && !strings.Contains(f.Value, "\n") {
			w = n
		}
	}
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f.Label)
		b.WriteString(":")
		if strings.Contains(f.Value, "\n") {
			// A block (the PowerShell steps) goes below its label, indented,
			// so it can be copied as it is.
			for _, l := range strings.Split(f.Value, "\n") {
				b.WriteString("\n    " + l)
			}
			b.WriteString("\n")
			continue
		}
		b.WriteString(strings.Repeat(" ", w-len([]rune(f.Label))+2))
		b.WriteString(f.Value)
		b.WriteString("\n")
	}
	return b.String()
}
