package oauth

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mailoauth/core/i18n"
	"mailoauth/core/sandbox/identity"
)

// TestAdminConsent: while the app lacks admin consent every sign-in ends with
// AADSTS65001, which NeedsAdminConsent recognises; the admin-consent page,
// opened through the same loopback round trip, fixes it for good.
func TestAdminConsent(t *testing.T) {
	s := sandbox(t, true)
	s.RequireAdminConsent(identity.PublicClientID)
	pages := make(chan string, 4)
	opts := SignInOptions{Lang: i18n.EN, OpenBrowser: browserFor(s, nil, pages)}
	_, p := SignIn(context.Background(), config(s), opts)
	<-pages
	if p == nil || p.Code != "entra.aadsts.65001" || !NeedsAdminConsent(p) {
		t.Fatalf("without consent: %v", p)
	}
	var opened string
	opts.OnURL = func(u string) { opened = u }
	if p := AdminConsent(context.Background(), config(s), opts); p != nil {
		t.Fatalf("admin consent: %v", p)
	}
	<-pages
	u, _ := url.Parse(opened)
	if !strings.HasSuffix(u.Path, "/v2.0/adminconsent") || u.Query().Get("client_id") != identity.PublicClientID ||
		!strings.Contains(u.Query().Get("scope"), "IMAP.AccessAsUser.All") || strings.Contains(u.Query().Get("scope"), "offline_access") {
		t.Errorf("admin-consent URL %s", opened)
	}
	if _, p := SignIn(context.Background(), config(s), opts); p != nil {
		t.Fatalf("after consent: %v", p)
	}
	<-pages
	if NeedsAdminConsent(nil) {
		t.Error("nil needs consent")
	}
}

// TestAdminConsentDeclined: the administrator cancels on the consent page.
func TestAdminConsentDeclined(t *testing.T) {
	s := sandbox(t, false)
	hc := s.HTTPClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	decline := func(u string) error {
		resp, err := hc.Get(u)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		action := string(b)[strings.Index(string(b), `action="`)+len(`action="`):]
		action = strings.ReplaceAll(action[:strings.Index(action, `"`)], "&amp;", "&")
		base := u[:strings.Index(u, "adminconsent")]
		resp, err = hc.PostForm(base+action, url.Values{"answer": {"cancel"}})
		if err != nil {
			return err
		}
		resp.Body.Close()
		r, err := http.Get(resp.Header.Get("Location"))
		if err == nil {
			r.Body.Close()
		}
		return err
	}
	p := AdminConsent(context.Background(), config(s), SignInOptions{Lang: i18n.EN, OpenBrowser: decline})
	if p == nil || p.Code != "entra.aadsts.65004" {
		t.Errorf("declined: %v", p)
	}
}
