package oauth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

func checkProblem(t *testing.T, what string, p *status.Problem) {
	t.Helper()
	if p.Level != status.Red && p.Level != status.Yellow {
		t.Fatalf("%s: problem %s is %s", what, p.Code, p.Level)
	}
	for _, l := range i18n.Langs {
		if !i18n.Has(l, p.Code) {
			t.Fatalf("%s: problem %s has no %s text", what, p.Code, l)
		}
	}
	if strings.ContainsRune(p.Detail, 0x1b) {
		t.Fatalf("%s: raw escape in detail %q", what, p.Detail)
	}
}

// FuzzTokenAnswer: any answer of the token endpoint is a token with an
// expiry within a day, or a problem — never a token without access token.
func FuzzTokenAnswer(f *testing.F) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, code int, body []byte) {
		tok, p := tokenAnswer(code, 0, body, now)
		if p != nil {
			if tok != nil {
				t.Fatal("a token and a problem")
			}
			checkProblem(t, "token answer", p)
			return
		}
		if tok.AccessToken == "" || code != http.StatusOK {
			t.Fatalf("HTTP %d %q taken as token %+v", code, body, tok)
		}
		if !tok.Expiry.After(now) || tok.Expiry.After(now.Add(maxExpiresIn*time.Second)) {
			t.Fatalf("%q: expiry %v is not within a day after %v", body, tok.Expiry, now)
		}
	})
}

// FuzzDecodeClaims: any access token is decoded or refused, and the user
// and scope checks judge whatever was decoded.
func FuzzDecodeClaims(f *testing.F) {
	a, probs := account.Input{Name: "a", Login: "anna@contoso.com", Tenant: "contoso.com",
		ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718"}.Build()
	if probs != nil {
		f.Fatal(probs)
	}
	f.Fuzz(func(t *testing.T, jwt string) {
		c, err := DecodeClaims(jwt)
		if err != nil {
			return
		}
		if p := CheckUser(c, a.Login); p != nil {
			checkProblem(t, "user", p)
		}
		for _, p := range CheckScopes(c, a) {
			checkProblem(t, "scopes", p)
		}
	})
}

// FuzzCallbackQuery: whatever a browser or a local program sends to the
// loopback listener, only our state finishes the sign-in, it finishes it
// once, and nothing sent comes back as markup.
func FuzzCallbackQuery(f *testing.F) {
	f.Fuzz(func(t *testing.T, path, rawQuery string) {
		cb := newCallback("st4te", i18n.EN, func(string) (*Token, *status.Problem) {
			return &Token{AccessToken: "x"}, nil
		})
		for i := 0; i < 2; i++ {
			req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: path, RawQuery: rawQuery}, Header: http.Header{}}
			rec := httptest.NewRecorder()
			cb.ServeHTTP(rec, req)
			body := rec.Body.String()
			if strings.Contains(strings.ToLower(body), "<script") || strings.Contains(body, "<x-fuzz") {
				t.Fatalf("query %q came back as markup: %s", rawQuery, body)
			}
			q, _ := url.ParseQuery(rawQuery)
			ours := path == "/" && q.Get("state") == "st4te"
			select {
			case res := <-cb.done:
				if !ours || i > 0 {
					t.Fatalf("path %q query %q finished the sign-in (request %d)", path, rawQuery, i)
				}
				if res.p != nil {
					checkProblem(t, "callback", res.p)
				}
			default:
				if ours && i == 0 {
					t.Fatalf("our answer %q did not finish the sign-in", rawQuery)
				}
			}
		}
	})
}

// TestTokenAnswerExpiryBounded: an expires_in so large that seconds times
// a billion overflow gave a token that expired before it was issued (found
// by FuzzTokenAnswer); it is bounded to a day.
func TestTokenAnswerExpiryBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for body, want := range map[string]time.Duration{
		`{"access_token":"a","expires_in":9223372036854775}`: 24 * time.Hour,
		`{"access_token":"a","expires_in":"3599"}`:           3599 * time.Second,
		`{"access_token":"a","expires_in":-1}`:               time.Hour,
	} {
		tok, p := tokenAnswer(200, 0, []byte(body), now)
		if p != nil || tok.Expiry.Sub(now) != want {
			t.Errorf("%s: %v %v, want expiry in %v", body, tok, p, want)
		}
	}
}

// FuzzSignInPage: whatever the sign-in address answers with, and whatever
// the user pastes or types while waiting, is read without panic; a
// problem names a code the text holds, never stops on a page that names
// none, and its detail is escaped.
func FuzzSignInPage(f *testing.F) {
	f.Fuzz(func(t *testing.T, httpStatus int, text string) {
		if p := pageProblem(httpStatus, text); p != nil {
			checkProblem(t, "page", p)
			if !strings.Contains(text, "AADSTS") {
				t.Fatalf("page without a code stopped the sign-in: %v", p)
			}
		}
		if p := ProblemInText(text); p != nil {
			checkProblem(t, "typed", p)
		}
		if code, p := ParsePasted(text, "st4te"); p != nil {
			checkProblem(t, "pasted", p)
		} else if code == "" {
			t.Fatalf("pasted %q: neither code nor problem", text)
		}
	})
}
