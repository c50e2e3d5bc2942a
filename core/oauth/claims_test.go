package oauth

import (
	"encoding/base64"
	"strings"
	"testing"

	"mailoauth/core/account"
)

func jwtWith(payload string) string {
	return "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".sig"
}

func TestDecodeClaimsLoosely(t *testing.T) {
	c, err := DecodeClaims(jwtWith(`{"aud":"https://outlook.office365.com","roles":"IMAP.AccessAsApp SMTP.SendAsApp","exp":1.7e9,"appid":"x"}`))
	if err != nil || len(c.Roles) != 2 || c.Exp.Unix() != 1700000000 || c.AppID != "x" {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range []string{"", "a.b", "x.!!!.y", jwtWith("not json")} {
		if _, err := DecodeClaims(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestUserPrecedence(t *testing.T) {
	for _, tc := range []struct {
		payload, want string
	}{
		{`{"upn":"a@x","preferred_username":"b@x","unique_name":"c@x"}`, "a@x"},
		{`{"preferred_username":"b@x","unique_name":"c@x"}`, "b@x"},
		{`{"unique_name":"live.com#c@x"}`, "live.com#c@x"},
		{`{"appid":"app"}`, ""},
	} {
		c, err := DecodeClaims(jwtWith(tc.payload))
		if err != nil || c.User() != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.payload, c.User(), err, tc.want)
		}
	}
}

func TestCheckUser(t *testing.T) {
	for _, tc := range []struct {
		user, login string
		warn        bool
	}{
		{"anna@contoso.example", "anna@contoso.example", false},
		{"Anna@Contoso.Example", "anna@contoso.example", false},
		{"max.mustermann@contoso.example", "anna@contoso.example", true},
		{"", "anna@contoso.example", false}, // app-only: nobody to compare
		{"anna@contoso.example", "", false},
	} {
		p := CheckUser(Claims{UPN: tc.user}, tc.login)
		if (p != nil) != tc.warn || (p != nil && (p.Code != "oauth.user_mismatch" || p.Args["user"] != tc.user || p.Args["login"] != tc.login)) {
			t.Errorf("%q vs %q: %v", tc.user, tc.login, p)
		}
	}
}

func TestCheckScopes(t *testing.T) {
	all := []account.Protocol{account.IMAP, account.POP3, account.SMTP}
	for _, tc := range []struct {
		name      string
		authority string
		claims    Claims
		protos    []account.Protocol
		want      []string
	}{
		{"delegated, all", "", Claims{Aud: "https://outlook.office.com", Scp: "IMAP.AccessAsUser.All POP.AccessAsUser.All SMTP.Send"}, all, nil},
		{"office365 audience, trailing slash", "", Claims{Aud: "https://outlook.office365.com/", Scp: "SMTP.Send"}, []account.Protocol{account.SMTP}, nil},
		{"app roles", "", Claims{Aud: "https://outlook.office365.com", Roles: []string{"IMAP.AccessAsApp", "SMTP.SendAsApp"}}, []account.Protocol{account.IMAP, account.SMTP}, nil},
		{"pop missing", "", Claims{Aud: "https://outlook.office.com", Scp: "IMAP.AccessAsUser.All SMTP.Send"}, all, []string{"oauth.missing_scope:POP.AccessAsUser.All"}},
		{"graph token", "", Claims{Aud: "https://graph.microsoft.com", Scp: "IMAP.AccessAsUser.All"}, []account.Protocol{account.IMAP},
			[]string{"oauth.wrong_audience:https://graph.microsoft.com"}},
		{"nothing", "", Claims{Aud: "00000002-0000-0ff1-ce00-000000000000"}, []account.Protocol{account.IMAP, account.SMTP},
			[]string{"oauth.missing_scope:IMAP.AccessAsUser.All", "oauth.missing_scope:SMTP.Send"}},
		// A national cloud's Exchange takes only its own tokens.
		{"GCC High token", "https://login.microsoftonline.us", Claims{Aud: "https://outlook.office365.us", Scp: "IMAP.AccessAsUser.All"}, []account.Protocol{account.IMAP}, nil},
		{"global token for GCC High", "https://login.microsoftonline.us", Claims{Aud: "https://outlook.office.com", Scp: "IMAP.AccessAsUser.All"}, []account.Protocol{account.IMAP},
			[]string{"oauth.wrong_audience:https://outlook.office.com"}},
		{"GCC High token for global", "https://login.microsoftonline.com", Claims{Aud: "https://outlook.office365.us", Scp: "IMAP.AccessAsUser.All"}, []account.Protocol{account.IMAP},
			[]string{"oauth.wrong_audience:https://outlook.office365.us"}},
		{"21Vianet token", "https://login.chinacloudapi.cn", Claims{Aud: "https://partner.outlook.cn/", Scp: "SMTP.Send"}, []account.Protocol{account.SMTP}, nil},
	} {
		a := &account.Account{Authority: tc.authority}
		for _, p := range tc.protos {
			a.SetServer(p, account.Server{Enabled: true})
		}
		var got []string
		for _, p := range CheckScopes(tc.claims, a) {
			arg := p.Args["scope"]
			if arg == "" {
				arg = p.Args["aud"]
			}
			got = append(got, p.Code+":"+arg)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDelegatedScopes(t *testing.T) {
	got := strings.Join(DelegatedScopes([]account.Protocol{account.IMAP, account.SMTP}, account.GlobalCloud()), " ")
	want := "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access openid profile email"
	if got != want {
		t.Errorf("%s", got)
	}
	if got := DelegatedScopes([]account.Protocol{account.POP3}, account.CloudOf("https://login.microsoftonline.us"))[0]; got != "https://outlook.office365.us/POP.AccessAsUser.All" {
		t.Errorf("other cloud: %s", got)
	}
}

// TestConfigForCloud: sign-in and app-only scopes follow the account's
// cloud, for every way of naming its login host.
func TestConfigForCloud(t *testing.T) {
	for authority, want := range map[string]string{
		"https://login.microsoftonline.com":        "https://outlook.office.com",
		"https://login.microsoftonline.us/":        "https://outlook.office365.us",
		"https://LOGIN.PARTNER.MICROSOFTONLINE.CN": "https://partner.outlook.cn",
		"https://login.chinacloudapi.cn:443":       "https://partner.outlook.cn",
		"https://127.0.0.1:8443":                   "https://outlook.office.com",
		"":                                         "https://outlook.office.com",
	} {
		a := &account.Account{Authority: authority, IMAP: account.Server{Enabled: true}}
		cfg := ConfigFor(a, "", nil)
		if cfg.Scopes[0] != want+"/IMAP.AccessAsUser.All" {
			t.Errorf("%q: scopes %v, want resource %s", authority, cfg.Scopes, want)
		}
		wantApp := want + "/.default"
		if want == "https://outlook.office.com" {
			wantApp = "https://outlook.office365.com/.default"
		}
		if cfg.AppScope != wantApp {
			t.Errorf("%q: app scope %s, want %s", authority, cfg.AppScope, wantApp)
		}
	}
}
