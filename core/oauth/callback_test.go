package oauth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// TestCallbackRules drives the loopback handler request by request: what is
// refused leaves the sign-in waiting, the first answer with our state ends
// it, everything after that is 410.
func TestCallbackRules(t *testing.T) {
	const state = "our-state-0123456789"
	var exchanged atomic.Int32
	cb := newCallback(state, i18n.EN, func(code string) (*Token, *status.Problem) {
		exchanged.Add(1)
		if code != "the-code" {
			t.Errorf("exchange got code %q", code)
		}
		return &Token{AccessToken: "at"}, nil
	})
	steps := []struct {
		method, target string
		want           int
		body           string
	}{
		{"GET", "/favicon.ico", 404, ""},
		{"GET", "/callback?code=the-code&state=" + state, 404, ""},
		{"POST", "/?code=the-code&state=" + state, 405, ""},
		{"GET", "/?code=the-code", 400, "state does not match"},
		{"GET", "/?code=the-code&state=forged", 400, "state does not match"},
		{"GET", "/?error=access_denied&state=forged", 400, "state does not match"},
		{"GET", "/?code=the-code&state=" + url.QueryEscape(state), 200, "You can close this tab"},
		{"GET", "/?code=the-code&state=" + state, 410, "already finished"},
		{"GET", "/?error=access_denied&state=" + state, 410, "already finished"},
	}
	for i, s := range steps {
		rec := httptest.NewRecorder()
		cb.ServeHTTP(rec, httptest.NewRequest(s.method, s.target, nil))
		if rec.Code != s.want || !strings.Contains(rec.Body.String(), s.body) {
			t.Errorf("step %d %s %s: %d, want %d with %q\n%.300s", i, s.method, s.target, rec.Code, s.want, s.body, rec.Body.String())
		}
		if i < 6 && len(cb.done) != 0 {
			t.Fatalf("step %d ended the sign-in", i)
		}
	}
	if n := exchanged.Load(); n != 1 {
		t.Errorf("%d exchanges, want 1", n)
	}
	if res := <-cb.done; res.p != nil || res.tok == nil {
		t.Errorf("outcome: %v", res.p)
	}
}

func TestCallbackErrorAndMissingCode(t *testing.T) {
	for _, tc := range []struct {
		query, code string
		level       status.Level
	}{
		{"error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent", "entra.aadsts.65004", status.Yellow},
		{"error=access_denied", "entra.access_denied", status.Yellow},
		{"error=invalid_request&error_description=AADSTS50011%3A+redirect+mismatch", "entra.aadsts.50011", status.Red},
		{"session_state=x", "oauth.no_code", status.Red},
	} {
		cb := newCallback("s", i18n.DE, func(string) (*Token, *status.Problem) {
			t.Error("exchange called without a code")
			return nil, nil
		})
		rec := httptest.NewRecorder()
		cb.ServeHTTP(rec, httptest.NewRequest("GET", "/?state=s&"+tc.query, nil))
		res := <-cb.done
		if res.p == nil || res.p.Code != tc.code || res.p.Level != tc.level {
			t.Errorf("%s: %v, want %s", tc.query, res.p, tc.code)
			continue
		}
		// The tab shows the problem and its fix, in German, escaped.
		body := rec.Body.String()
		if rec.Code != http.StatusBadRequest || !strings.Contains(body, "Anmeldung fehlgeschlagen") ||
			!strings.Contains(body, htmlEscape(res.p.Fix(i18n.DE))) {
			t.Errorf("%s: page %d %.500s", tc.query, rec.Code, body)
		}
	}
}

// TestCallbackConcurrentAnswers: a browser that sends the answer twice at
// once (reload, prefetch) redeems the code once.
func TestCallbackConcurrentAnswers(t *testing.T) {
	var exchanged atomic.Int32
	cb := newCallback("s", i18n.EN, func(string) (*Token, *status.Problem) {
		exchanged.Add(1)
		return &Token{}, nil
	})
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			cb.ServeHTTP(rec, httptest.NewRequest("GET", "/?code=c&state=s", nil))
			codes <- rec.Code
		}()
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if exchanged.Load() != 1 || count[200] != 1 || count[410] != 19 {
		t.Errorf("exchanges %d, statuses %v", exchanged.Load(), count)
	}
}

func TestPageEscapes(t *testing.T) {
	rec := httptest.NewRecorder()
	renderPage(rec, 400, i18n.EN, status.New(status.Red, "oauth.bad_state").WithDetail(`<script>alert(1)</script>`))
	if b := rec.Body.String(); strings.Contains(b, "<script>") || !strings.Contains(b, "&lt;script&gt;") ||
		!strings.Contains(b, "#c62828") || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("page: %s", b)
	}
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[string]string{"5m": "5 min", "90s": "90 s", "1m30s": "90 s", "200ms": "200ms", "2s400ms": "2 s"} {
		if got := formatDuration(mustDuration(t, d)); got != want {
			t.Errorf("%s: %q, want %q", d, got, want)
		}
	}
}

func mustDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The success page says "you can close this tab" once, in both languages.
func TestSuccessPageSaysCloseOnce(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.EN, i18n.DE} {
		rec := httptest.NewRecorder()
		renderPage(rec, http.StatusOK, lang, nil)
		closeText := i18n.T(lang, "oauth.page.close", nil)
		stem := closeText[:strings.Index(closeText, " ")+1] + strings.Fields(closeText)[1]
		if n := strings.Count(rec.Body.String(), stem); n != 1 {
			t.Errorf("%s: %q %d times on the success page:\n%s", lang, stem, n, rec.Body.String())
		}
	}
}
