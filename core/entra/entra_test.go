package entra

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// required are the codes users meet when setting up a mailbox (wrong
// client type, redirect URI, secret, consent, tenant, cloud, scope,
// conditional access, expired grants); each must have its own problem.
var required = []int{7000218, 700025, 50011, 500113, 65001, 90094, 650057, 700016, 90002, 900023,
	50194, 70011, 28000, 900144, 9002313, 54005, 501481, 50076, 50079, 53003, 50105, 70043, 700082, 50173, 90038,
	7000112, 7000222}

func body(code int) []byte {
	k := Codes[code]
	b, _ := json.Marshal(map[string]any{
		"error":             k.Error,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: 0000\r\nCorrelation ID: abcd-1234\r\nTimestamp: 2026-11-24 12:00:00Z", code, k.Text),
		"error_codes":       []int{code},
		"timestamp":         "2026-11-24 12:00:00Z",
		"trace_id":          "0000",
		"correlation_id":    "abcd-1234",
		"error_uri":         "https://login.microsoftonline.com/error?code=" + fmt.Sprint(code),
	})
	return b
}

func TestEveryCodeHasProblemAndFix(t *testing.T) {
	for _, c := range required {
		if _, ok := Codes[c]; !ok {
			t.Errorf("AADSTS%d not in Codes", c)
		}
	}
	for c, k := range Codes {
		p := Parse(400, body(c))
		want := fmt.Sprintf("entra.aadsts.%d", c)
		if temporaryCodes[c] {
			// The service's own trouble has one message; the code is in
			// the detail.
			if p.Code != "entra.temporary" || p.Level != status.Yellow || !strings.Contains(p.Detail, fmt.Sprintf("AADSTS%d", c)) {
				t.Errorf("AADSTS%d → %s %s (%s), want entra.temporary", c, p.Code, p.Level, p.Detail)
			}
			continue
		}
		if p.Code != want || p.Level != k.Level {
			t.Errorf("AADSTS%d → %s %s, want %s %s", c, p.Code, p.Level, want, k.Level)
		}
		for _, l := range i18n.Langs {
			if !i18n.Has(l, p.Code) || !i18n.Has(l, p.Code+".fix") {
				t.Errorf("AADSTS%d: no %s text or fix", c, l)
			}
		}
		if !strings.Contains(p.Message(i18n.EN), fmt.Sprint(c)) || !strings.Contains(p.Message(i18n.DE), fmt.Sprint(c)) {
			t.Errorf("AADSTS%d: the message does not name the code", c)
		}
		if !strings.Contains(p.Detail, "abcd-1234") {
			t.Errorf("AADSTS%d: correlation ID missing from detail %q", c, p.Detail)
		}
		if e, ok := AsError(p); !ok || e.AADSTS != c {
			t.Errorf("AADSTS%d: error not kept", c)
		}
	}
}

func TestLevels(t *testing.T) {
	for c, want := range map[int]status.Level{7000218: status.Red, 53003: status.Red, 700082: status.Yellow, 50173: status.Yellow, 54005: status.Yellow} {
		if got := Parse(400, body(c)).Level; got != want {
			t.Errorf("AADSTS%d: %s, want %s", c, got, want)
		}
	}
	// An unknown code: invalid_grant means sign in again, others are faults.
	p := Parse(400, []byte(`{"error":"invalid_grant","error_description":"AADSTS123456: something new"}`))
	if p.Code != "entra.reauthorize" || p.Level != status.Yellow || p.Args["code"] != "AADSTS123456" {
		t.Errorf("unknown invalid_grant: %+v", p)
	}
	p = Parse(400, []byte(`{"error":"invalid_request","error_description":"AADSTS999999: new"}`))
	if p.Code != "entra.unknown" || p.Level != status.Red {
		t.Errorf("unknown invalid_request: %+v", p)
	}
}

func TestBadBodies(t *testing.T) {
	for _, b := range []string{"", "<html>Proxy Authentication Required</html>", `{"foo":1}`, `{"error":`} {
		p := Parse(407, []byte(b))
		if p.Code != "entra.bad_answer" || p.Args["status"] != "407" {
			t.Errorf("%q → %+v", b, p)
		}
	}
}

func TestFromCallback(t *testing.T) {
	q := url.Values{"error": {"access_denied"}, "error_description": {"AADSTS65004: User declined to consent to access the app."}}
	if p := FromCallback(q); p.Code != "entra.aadsts.65004" || p.Level != status.Yellow {
		t.Errorf("declined: %+v", p)
	}
	q = url.Values{"error": {"invalid_request"}, "error_description": {"AADSTS50011: The redirect URI 'http://localhost:1234' specified in the request does not match"}}
	if p := FromCallback(q); p.Code != "entra.aadsts.50011" || p.Level != status.Red {
		t.Errorf("redirect: %+v", p)
	}
	if p := FromCallback(url.Values{"error": {"access_denied"}}); p.Code != "entra.access_denied" {
		t.Errorf("no code: %+v", p)
	}
}

func TestNoSecretInDetail(t *testing.T) {
	b := []byte(`{"error":"invalid_grant","error_description":"AADSTS70000: bad refresh_token=0.AXEAsecretsecretsecret"}`)
	p := Parse(400, b)
	if strings.Contains(p.Detail, "0.AXEAsecret") || strings.Contains(p.Error(), "0.AXEAsecret") {
		t.Errorf("secret in %q", p.Detail)
	}
}

// TestFactsFileAnswers: every AADSTS answer our research collected from
// Microsoft's error reference and the mail clients' trackers, as Entra
// sends it (error name and code), gets the light it deserves: only the
// service's own trouble is "temporary", a stored grant that must be renewed
// is yellow, a fault in registration, tenant or policy is red.
func TestFactsFileAnswers(t *testing.T) {
	R, Y := status.Red, status.Yellow
	for _, c := range []struct {
		aadsts int
		name   string
		level  status.Level
	}{
		{7000218, "invalid_client", R}, {700025, "invalid_client", R}, {7000215, "invalid_client", R}, {7000222, "invalid_client", R},
		{50011, "invalid_request", R}, {500113, "invalid_request", R}, {900971, "invalid_request", R}, {90102, "invalid_request", R},
		{9002327, "invalid_request", R}, {9002326, "invalid_request", R}, {65001, "invalid_grant", R}, {90094, "invalid_grant", R},
		{90095, "invalid_grant", Y}, {65004, "access_denied", Y}, {650057, "invalid_client", R}, {650056, "invalid_client", R},
		{65005, "invalid_client", R}, {700016, "unauthorized_client", R}, {90002, "invalid_tenant", R}, {900023, "invalid_request", R},
		{50194, "invalid_request", R}, {9002332, "invalid_request", R}, {50020, "invalid_request", R}, {500208, "invalid_request", R},
		{70011, "invalid_scope", R}, {28000, "invalid_scope", R}, {700022, "invalid_scope", R}, {900144, "invalid_request", R},
		{9002313, "invalid_request", Y}, {54005, "invalid_grant", Y}, {501481, "invalid_grant", Y}, {700005, "invalid_grant", Y},
		{7000012, "invalid_grant", Y}, {50076, "invalid_grant", Y}, {50079, "invalid_grant", Y}, {50078, "invalid_grant", Y},
		{53003, "invalid_grant", R}, {530035, "invalid_request", R}, {53000, "invalid_request", R}, {53001, "invalid_request", R},
		{50105, "invalid_grant", R}, {70043, "invalid_grant", Y}, {700082, "invalid_grant", Y}, {50173, "invalid_grant", Y},
		{50126, "invalid_grant", Y}, {50053, "invalid_grant", Y}, {50057, "invalid_grant", Y}, {50055, "invalid_grant", Y},
		{70016, "authorization_pending", Y}, {70018, "invalid_grant", Y}, {70019, "expired_token", Y}, {90120, "invalid_grant", Y},
		{65002, "invalid_client", R}, {500011, "invalid_resource", R}, {90038, "invalid_request", R}, {9001023, "invalid_request", R},
		{90124, "invalid_request", R}, {90130, "invalid_request", R}, {900432, "invalid_client", R}, {900382, "invalid_client", R},
	} {
		b, _ := json.Marshal(map[string]any{"error": c.name, "error_description": fmt.Sprintf("AADSTS%d: text", c.aadsts), "error_codes": []int{c.aadsts}})
		p := Parse(400, b)
		if p.Level != c.level || strings.HasPrefix(p.Code, "entra.temporary") {
			t.Errorf("AADSTS%d (%s): %s %s, want %s", c.aadsts, c.name, p.Code, p.Level, c.level)
		}
	}
}

// TestTemporary: the identity platform's own trouble is yellow "try again
// in a few minutes" with the raw answer kept — whatever form it takes.
func TestTemporary(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string
	}{
		{"503 page", 503, "<html>Service Unavailable</html>"},
		{"500 empty", 500, ""},
		{"429 JSON", 429, `{"error":"invalid_request","error_description":"AADSTS90055: TenantThrottlingError"}`},
		{"temporarily_unavailable", 400, `{"error":"temporarily_unavailable","error_description":"The service is busy."}`},
		{"server_error", 400, `{"error":"server_error","error_description":"Something broke."}`},
		{"AADSTS50000 on 400", 400, `{"error":"invalid_request","error_description":"AADSTS50000: There was an error issuing a token.","error_codes":[50000]}`},
		{"AADSTS90006", 400, `{"error":"invalid_request","error_description":"AADSTS90006: ExternalServerRetryableError","error_codes":[90006]}`},
		{"AADSTS90055", 400, `{"error":"invalid_request","error_description":"AADSTS90055: TenantThrottlingError","error_codes":[90055]}`},
		{"503 with a known red code", 503, `{"error":"invalid_client","error_description":"AADSTS7000218: x","error_codes":[7000218]}`},
	} {
		p := Parse(c.status, []byte(c.body))
		if p.Code != "entra.temporary" || p.Level != status.Yellow {
			t.Errorf("%s: %s %s", c.name, p.Code, p.Level)
		}
		if raw := c.body[:min(len(c.body), 12)]; !strings.Contains(p.Detail, strconv.Itoa(c.status)) && c.status != 400 ||
			strings.HasPrefix(raw, "<") && !strings.Contains(p.Detail, raw) {
			t.Errorf("%s: raw answer not in the detail %q", c.name, p.Detail)
		}
		if strings.HasPrefix(c.body, "{") && !strings.Contains(p.Detail, c.body[strings.Index(c.body, `"error":"`)+9:][:6]) {
			t.Errorf("%s: error name not in the detail %q", c.name, p.Detail)
		}
		for _, l := range i18n.Langs {
			if m := p.Message(l); strings.Contains(m, "registr") || strings.Contains(p.Fix(l), "App-Registrierung prüfen") {
				t.Errorf("%s: %s sends the user to the app registration: %q", c.name, l, m)
			}
		}
	}
	p := ParseAnswer(429, 7*time.Second, []byte(`{"error":"temporarily_unavailable"}`))
	if p.Code != "entra.temporary_wait" || p.Args["seconds"] != "7" || !strings.Contains(p.Message(i18n.DE), "7 s") {
		t.Errorf("retry-after: %+v", p)
	}
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{"": 0, "5": 5 * time.Second, "-3": 0, "x": 0, "99999999999": 24 * time.Hour,
		"Wed, 02 Dec 2026 06:00:30 GMT": 30 * time.Second, "Wed, 02 Dec 2026 05:00:00 GMT": 0,
		// Found by FuzzParseAnswer: a date decades ahead read as 70 years.
		"Wed, 21 Oct 2099 07:28:00 GMT": 24 * time.Hour} {
		if got := RetryAfter(v, now); got != want {
			t.Errorf("Retry-After %q: %v, want %v", v, got, want)
		}
	}
}

// The codes by which Entra ends a sign-in that worked: the ones another
// sign-in cures offer "Authorize again", the others name who must act.
func TestRemedies(t *testing.T) {
	for code, want := range map[int]Remedy{
		50173: RemedyAuthorize, 70043: RemedyAuthorize, 50076: RemedyAuthorize, 50079: RemedyAuthorize, 700082: RemedyAuthorize,
		65001: RemedyAdminConsent, 53003: RemedyAdmin, 7000112: RemedyAdmin, 700016: RemedyAdmin, 7000222: RemedyNewSecret,
		90002: RemedyNone,
	} {
		p := Parse(400, body(code))
		if got := RemedyFor(p.Code); got != want {
			t.Errorf("AADSTS%d (%s): %q, want %q", code, p.Code, got, want)
		}
		if want == RemedyAuthorize && p.Level != status.Yellow || (want == RemedyAdmin || want == RemedyNewSecret) && p.Level != status.Red {
			t.Errorf("AADSTS%d: level %s does not fit remedy %q", code, p.Level, want)
		}
	}
	p := Parse(400, []byte(`{"error":"invalid_grant","error_description":"AADSTS123456: new"}`))
	if RemedyFor(p.Code) != RemedyAuthorize || RemedyFor("mailcheck.imap.auth_failed") != RemedyNone {
		t.Error("unknown invalid_grant or a mail problem")
	}
}
