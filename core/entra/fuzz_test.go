package entra

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// FuzzParseAnswer: any answer of the identity platform — JSON or not,
// with any Retry-After — becomes a yellow or red problem with a text in
// both languages, a bounded, escaped detail and a bounded wait.
func FuzzParseAnswer(f *testing.F) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, httpStatus int, retryAfter string, body []byte) {
		ra := RetryAfter(retryAfter, now)
		if ra < 0 || ra > 24*time.Hour {
			t.Fatalf("Retry-After %q read as %v", retryAfter, ra)
		}
		for _, p := range []*status.Problem{ParseAnswer(httpStatus, ra, body), FromCallback(queryOf(body))} {
			if p == nil || (p.Level != status.Red && p.Level != status.Yellow) {
				t.Fatalf("answer %d %q: problem %+v", httpStatus, body, p)
			}
			for _, l := range i18n.Langs {
				if !i18n.Has(l, p.Code) {
					t.Fatalf("problem %s has no %s text", p.Code, l)
				}
				if m := p.Message(l); strings.ContainsRune(m, 0x1b) || !utf8.ValidString(m) {
					t.Fatalf("message %q", m)
				}
			}
			if !utf8.ValidString(p.Detail) || strings.ContainsRune(p.Detail, 0x1b) || utf8.RuneCountInString(p.Detail) > status.DetailMax {
				t.Fatalf("detail %q", p.Detail)
			}
		}
	})
}

// queryOf reads the same bytes as a redirect's query, so one corpus feeds
// both error readers.
func queryOf(body []byte) url.Values {
	q, _ := url.ParseQuery(string(body))
	if q.Get("error") == "" {
		q.Set("error", "invalid_request")
	}
	return q
}
