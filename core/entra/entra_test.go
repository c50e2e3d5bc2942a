package entra

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// required are the codes the issue names; each must have its own problem.
var required = []int{7000218, 700025, 50011, 500113, 65001, 90094, 650057, 700016, 90002, 900023,
	50194, 70011, 28000, 900144, 9002313, 54005, 501481, 50076, 50079, 53003, 50105, 70043, 700082, 50173, 90038}

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
