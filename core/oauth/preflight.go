package oauth

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"mailoauth/core/entra"
	"mailoauth/core/status"
)

// preflightTimeout bounds the look at the sign-in address before the
// browser opens; a slow answer costs the user nothing but this wait.
var preflightTimeout = 5 * time.Second

// pageOnlyCodes are the errors Entra shows on its own page because it
// cannot send the browser back: it does not know the app or the tenant, it
// may not trust the redirect, or the app may not sign anyone in. The
// loopback never hears of them; the user would wait out the timeout.
var pageOnlyCodes = map[int]bool{
	700016:  true, // unknown client ID in this tenant
	50011:   true, // redirect URI not registered
	500113:  true, // no redirect URI at all
	90002:   true, // unknown tenant
	900023:  true, // tenant neither GUID nor domain
	50194:   true, // single-tenant app on /common
	7000112: true, // app (service principal) disabled
}

// aadstsRE finds an AADSTS code as Entra writes it; the optional colon
// tells a message ("AADSTS50011: The redirect URI …") from a mention.
var aadstsRE = regexp.MustCompile(`AADSTS(\d{4,7})(:?)`)

// typedRE is a code as a user types it off the page: any case, maybe a
// space before the digits.
var typedRE = regexp.MustCompile(`(?i)AADSTS ?(\d{4,7})`)

// preflight requests the sign-in address once, the way the browser will
// but without cookies and without following a redirect, and returns the
// problem when Entra answers with its error page for one of pageOnlyCodes.
// Everything else — the sign-in page, a redirect (to AD FS, or back to us
// with an error the callback will read), a timeout, no network — is nil:
// the pre-flight must never stop a sign-in that would have worked.
func (c *Config) preflight(ctx context.Context, authURL string) *status.Problem {
	ctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil
	}
	req.Header.Set("Accept", "text/html")
	hc := *c.client()
	hc.Jar = nil
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return pageProblem(resp.StatusCode, string(body))
}

// pageProblem reads Entra's error page: the first AADSTS code in message
// form ("AADSTS700016:") that Entra only ever shows on its page. Entra
// serves that page with 200 or 400; a page that merely mentions a code
// (a help link) is no error.
func pageProblem(httpStatus int, body string) *status.Problem {
	if httpStatus != http.StatusOK && httpStatus < 400 {
		return nil
	}
	for _, m := range aadstsRE.FindAllStringSubmatchIndex(body, 50) {
		code, _ := strconv.Atoi(body[m[2]:m[3]])
		if m[5] > m[4] && pageOnlyCodes[code] {
			return codeProblem(code, pageMessage(body[m[0]:]))
		}
	}
	return nil
}

// pageMessage is the message that starts at s, up to the end of its
// sentence on the page (a quote, markup, a line end), unescaped the way
// Entra's page script writes it.
func pageMessage(s string) string {
	s = strings.NewReplacer(`\u0027`, "'", `\u0026`, "&", `\u003c`, "<", `\u003e`, ">", `&#39;`, "'", `&quot;`, `"`, `&amp;`, "&").Replace(s)
	if i := strings.IndexAny(s, "\"<\r\n\\"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// codeProblem is our problem and fix for an AADSTS code, as if Entra had
// sent it back to the loopback.
func codeProblem(code int, description string) *status.Problem {
	errName := "invalid_request"
	if k, ok := entra.Codes[code]; ok && k.Error != "" {
		errName = k.Error
	}
	if description == "" {
		description = "AADSTS" + strconv.Itoa(code)
	}
	return entra.FromCallback(url.Values{"error": {errName}, "error_description": {description}})
}

// ProblemInText recognises an AADSTS code the user read off Microsoft's
// page and typed or pasted ("AADSTS50011", or the page's whole message
// line) and returns our text and fix for it; nil when s names no code.
func ProblemInText(s string) *status.Problem {
	m := typedRE.FindStringSubmatchIndex(s)
	if m == nil {
		return nil
	}
	code, _ := strconv.Atoi(s[m[2]:m[3]])
	// Written the way Entra writes it, so the detail reads like the page.
	return codeProblem(code, strings.TrimSpace("AADSTS"+s[m[2]:m[3]]+s[m[1]:]))
}
