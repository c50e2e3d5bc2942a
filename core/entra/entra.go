// Package entra understands the errors of the Microsoft identity platform
// (Entra ID): it parses the error JSON of the token endpoint and the error=
// parameters of a redirect, and turns each AADSTS code into a problem with a
// fix a helpdesk can act on. The AADSTS code decides the traffic light.
package entra

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// Error is Microsoft's error answer, as sent by /token and on redirects.
type Error struct {
	HTTPStatus    int
	Code          string // "error", e.g. invalid_grant
	Description   string // "error_description", starts with "AADSTSnnn: "
	AADSTS        int    // first code from error_codes or the description
	Codes         []int
	TraceID       string
	CorrelationID string
	Timestamp     string
	RetryAfter    time.Duration // the answer's Retry-After, 0 if none
}

func (e *Error) Error() string {
	return redact.String(fmt.Sprintf("%s: %s", e.Code, status.FirstLine(e.Description)))
}

// Known describes one AADSTS code: Microsoft's error name and text (used by
// the sandbox to answer exactly like Entra) and the level it means for us.
type Known struct {
	Error string
	Text  string
	Level status.Level
}

// Codes lists every AADSTS code this package explains, with how Entra
// reports it. The level rule: a code that names a fault in the app
// registration, the tenant, a policy or the request is red; a code that only
// means "sign in again" or "try again" (expired, revoked or already used
// grants, a declined consent, MFA that needs an interactive sign-in, the
// device-code waiting states) is yellow — the user acts, nothing is wrong.
var Codes = map[int]Known{
	7000218: {"invalid_client", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", status.Red},
	700025:  {"invalid_client", "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", status.Red},
	7000215: {"invalid_client", "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.", status.Red},
	7000112: {"unauthorized_client", "Application is disabled.", status.Red},
	7000222: {"invalid_client", "The provided client secret keys for app are expired.", status.Red},
	50011:   {"invalid_request", "The redirect URI specified in the request does not match the redirect URIs configured for the application.", status.Red},
	500113:  {"invalid_request", "No reply address is registered for the application.", status.Red},
	65001:   {"invalid_grant", "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.", status.Red},
	90094:   {"invalid_grant", "Admin consent is required for the permissions requested by this application.", status.Red},
	650057:  {"invalid_client", "Invalid resource. The client has requested access to a resource which is not listed in the requested permissions in the client's application registration.", status.Red},
	// Since 2023 client credentials name the missing service principal
	// (microsoft.github.io/teams-sdk, "Authentication Troubleshooting":
	// "AADSTS7000229: The client application … is missing service
	// principal in the tenant …"); Entra blocks service-principal-less
	// sign-ins altogether from March 2026.
	7000229: {"invalid_client", "The client application is missing service principal in the tenant.", status.Red},
	700016:  {"unauthorized_client", "Application was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", status.Red},
	90002:   {"invalid_tenant", "Tenant not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", status.Red},
	900023:  {"invalid_request", "Specified tenant identifier is neither a valid DNS name, nor a valid external domain.", status.Red},
	50194:   {"invalid_request", "Application is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.", status.Red},
	70011:   {"invalid_scope", "The provided value for the input parameter 'scope' is not valid.", status.Red},
	28000:   {"invalid_scope", "Provided value for the input parameter scope is not valid because it contains more than one resource.", status.Red},
	700022:  {"invalid_scope", "The provided value for the input parameter scope is not valid because it contains more than one resource.", status.Red},
	900144:  {"invalid_request", "The request body must contain the following parameter: 'scope'.", status.Red},
	9002313: {"invalid_request", "Invalid request. Request is malformed or invalid.", status.Yellow},
	54005:   {"invalid_grant", "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.", status.Yellow},
	501481:  {"invalid_grant", "The Code_Verifier does not match the code_challenge supplied in the authorization request.", status.Yellow},
	50076:   {"invalid_grant", "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.", status.Yellow},
	50079:   {"invalid_grant", "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access the resource.", status.Yellow},
	53003:   {"invalid_grant", "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", status.Red},
	50105:   {"invalid_grant", "Your administrator has configured the application to block users unless they are specifically granted ('assigned') access to the application.", status.Red},
	70043:   {"invalid_grant", "The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.", status.Yellow},
	700082:  {"invalid_grant", "The refresh token has expired due to inactivity. The token was issued and was inactive for 90.00:00:00.", status.Yellow},
	50173:   {"invalid_grant", "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.", status.Yellow},
	90038:   {"invalid_request", "The specified tenant belongs to another national cloud. Current cloud instance 'Prod' does not federate with the national cloud.", status.Red},
	65004:   {"access_denied", "User declined to consent to access the app.", status.Yellow},
	50020:   {"invalid_request", "User account from identity provider does not exist in tenant and cannot access the application in that tenant.", status.Red},
	9002332: {"invalid_request", "Application is configured for use by Microsoft Entra users only. Please do not use the /consumers endpoint to serve this request.", status.Red},
	70000:   {"invalid_grant", "The provided value for the 'refresh_token' is not valid.", status.Yellow},
	70016:   {"authorization_pending", "OAuth 2.0 device flow error. Authorization is pending. Continue polling.", status.Yellow},
	70018:   {"invalid_grant", "Invalid verification code. The user typed in the wrong user code for device code flow.", status.Yellow},
	70019:   {"expired_token", "Verification code expired. Have the user retry the sign-in.", status.Yellow},
	90120:   {"invalid_grant", "The device code was already used for authorization or the user declined the request.", status.Yellow},
	// The service's own trouble: nothing to fix, try again later.
	50000: {"temporarily_unavailable", "There was an error issuing a token or an issue with our sign-in service.", status.Yellow},
	90006: {"temporarily_unavailable", "The service is temporarily unavailable. Please try again.", status.Yellow},
	90055: {"temporarily_unavailable", "There are too many incoming requests. The tenant is being throttled.", status.Yellow},
	90033: {"temporarily_unavailable", "A Microsoft Online Services directory is temporarily unavailable.", status.Yellow},
}

// temporaryCodes are the AADSTS codes that mean the identity platform
// itself is in trouble (token issuance failed, a backend is unavailable,
// the tenant is throttled). They share one message: the administrator
// should wait, not open the app registration.
var temporaryCodes = map[int]bool{50000: true, 90006: true, 90055: true, 90033: true}

var aadstsRE = regexp.MustCompile(`AADSTS(\d{4,7})`)

type wire struct {
	Error         string `json:"error"`
	Description   string `json:"error_description"`
	Codes         []int  `json:"error_codes"`
	TraceID       string `json:"trace_id"`
	CorrelationID string `json:"correlation_id"`
	Timestamp     string `json:"timestamp"`
}

// Parse turns an error answer of the token (or device, or openid) endpoint
// into a problem. A body that is not Microsoft's JSON — an HTML page of a
// proxy, nothing at all — becomes a problem too, with the HTTP status.
func Parse(httpStatus int, body []byte) *status.Problem {
	return ParseAnswer(httpStatus, 0, body)
}

// ParseAnswer is Parse for an answer that came with a Retry-After header
// (retryAfter > 0): the wait Microsoft asks for is named in the message.
func ParseAnswer(httpStatus int, retryAfter time.Duration, body []byte) *status.Problem {
	var w wire
	if err := json.Unmarshal(body, &w); err != nil || w.Error == "" {
		snippet := strings.TrimSpace(string(body))
		if len(snippet) > 200 {
			snippet = snippet[:200]
		}
		detail := redact.String(fmt.Sprintf("HTTP %d: %s", httpStatus, snippet))
		if TemporaryStatus(httpStatus) {
			// A load balancer's error page in front of the identity
			// platform: the service is in trouble, not a proxy of ours.
			return temporary(httpStatus, retryAfter, detail, nil)
		}
		return status.New(status.Red, "entra.bad_answer", "status", strconv.Itoa(httpStatus)).WithDetail(detail)
	}
	e := &Error{HTTPStatus: httpStatus, Code: w.Error, Description: w.Description, Codes: w.Codes,
		TraceID: w.TraceID, CorrelationID: w.CorrelationID, Timestamp: w.Timestamp, RetryAfter: retryAfter}
	if len(w.Codes) > 0 {
		e.AADSTS = w.Codes[0]
	} else {
		e.AADSTS = codeIn(w.Description)
	}
	return e.Problem()
}

// FromCallback reads error= and error_description= of a redirect.
func FromCallback(q url.Values) *status.Problem {
	e := &Error{Code: q.Get("error"), Description: q.Get("error_description")}
	e.AADSTS = codeIn(e.Description)
	return e.Problem()
}

func codeIn(s string) int {
	m := aadstsRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Problem maps the error to a problem: the AADSTS code decides; without a
// known code, invalid_grant means "sign in again" (yellow) and everything
// else is a red fault named by its code.
func (e *Error) Problem() *status.Problem {
	detail := e.Code
	if d := status.FirstLine(e.Description); d != "" {
		detail += ": " + d
	}
	if e.CorrelationID != "" {
		detail += " (Correlation ID " + e.CorrelationID + ")"
	}
	detail = redact.String(detail)
	if e.Temporary() {
		if e.HTTPStatus != 0 {
			detail = "HTTP " + strconv.Itoa(e.HTTPStatus) + ": " + detail
		}
		return temporary(e.HTTPStatus, e.RetryAfter, detail, e)
	}
	if k, ok := Codes[e.AADSTS]; ok {
		return status.New(k.Level, fmt.Sprintf("entra.aadsts.%d", e.AADSTS), "code", strconv.Itoa(e.AADSTS)).
			WithDetail(detail).Wrap(e)
	}
	code := "AADSTS" + strconv.Itoa(e.AADSTS)
	if e.AADSTS == 0 {
		code = e.Code
	}
	switch e.Code {
	case "invalid_grant", "interaction_required", "login_required":
		return status.New(status.Yellow, "entra.reauthorize", "code", code).WithDetail(detail).Wrap(e)
	case "access_denied":
		return status.New(status.Yellow, "entra.access_denied", "code", code).WithDetail(detail).Wrap(e)
	}
	return status.New(status.Red, "entra.unknown", "code", code).WithDetail(detail).Wrap(e)
}

// Temporary reports whether the answer says the identity platform itself
// has trouble: an HTTP 5xx or 429, the OAuth error codes
// temporarily_unavailable and server_error (RFC 6749 §4.1.2.1), or one of
// the AADSTS codes of a failing or throttling service. Such an answer is
// yellow — retrying later fixes it, no setting does.
func (e *Error) Temporary() bool {
	return TemporaryStatus(e.HTTPStatus) || e.Code == "temporarily_unavailable" || e.Code == "server_error" || temporaryCodes[e.AADSTS]
}

// TemporaryStatus: 5xx is the service failing, 429 the service throttling.
func TemporaryStatus(httpStatus int) bool {
	return httpStatus >= 500 && httpStatus <= 599 || httpStatus == 429
}

// MaxRetryAfter bounds how long a client waits when the identity platform
// asks for a pause before one retry; a longer wish is shown, not obeyed.
const MaxRetryAfter = 10 * time.Second

// temporary is the one problem for the identity platform's own trouble.
func temporary(httpStatus int, retryAfter time.Duration, detail string, err error) *status.Problem {
	code := "entra.temporary"
	args := []string{"status", strconv.Itoa(httpStatus)}
	if retryAfter > 0 {
		code = "entra.temporary_wait"
		args = append(args, "seconds", strconv.Itoa(int((retryAfter+time.Second-1)/time.Second)))
	}
	p := status.New(status.Yellow, code, args...).WithDetail(detail)
	if err != nil {
		p = p.Wrap(err)
	}
	return p
}

// NoAnswer is the problem for an identity platform that did not answer in
// time: as temporary as a 503, and just as little a reason to open the app
// registration.
func NoAnswer(host string, err error) *status.Problem {
	return status.New(status.Yellow, "entra.no_answer", "host", host).WithDetail(redact.String(err.Error())).Wrap(err)
}

// RetryAfter reads a Retry-After header: delta-seconds or an HTTP date
// (RFC 9110 §10.2.3). Zero when absent, unreadable or in the past.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		// A date years ahead is bounded to a day like a number of
		// seconds is; unbounded it read as 70 years.
		return min(t.Sub(now), 24*time.Hour)
	}
	return 0
}

// AsError finds the Entra error behind a problem, if there is one.
func AsError(p *status.Problem) (*Error, bool) {
	if p == nil {
		return nil, false
	}
	e, ok := p.Err.(*Error)
	return e, ok
}

// Remedy is what cures an ended sign-in: the action the window offers
// next to the problem.
type Remedy string

// The remedies.
const (
	// RemedyNone: nothing to offer beyond the problem's fix text.
	RemedyNone Remedy = ""
	// RemedyAuthorize: another sign-in cures it ("Authorize again").
	RemedyAuthorize Remedy = "authorize"
	// RemedyAdminConsent: an administrator grants consent for the
	// organisation (the admin-consent page).
	RemedyAdminConsent Remedy = "admin_consent"
	// RemedyNewSecret: the app needs a new client secret, stored in the
	// account.
	RemedyNewSecret Remedy = "new_secret"
	// RemedyAdmin: only an administrator can change it in Entra ID (a
	// Conditional Access policy, a disabled or deleted app); signing in
	// again would fail the same way. The fix text says what to change.
	RemedyAdmin Remedy = "admin"
)

// remedies: the codes by which Entra ends a sign-in that worked before.
var remedies = map[int]Remedy{
	50173:   RemedyAuthorize, // password changed, sessions revoked
	70043:   RemedyAuthorize, // sign-in frequency (Conditional Access)
	50076:   RemedyAuthorize, // MFA now required
	50079:   RemedyAuthorize, // MFA registration now required (then sign in)
	700082:  RemedyAuthorize, // unused for 90 days
	70000:   RemedyAuthorize, // refresh token not valid
	65001:   RemedyAdminConsent,
	90094:   RemedyAdminConsent,
	7000222: RemedyNewSecret,
	7000215: RemedyNewSecret,
	53003:   RemedyAdmin,
	50105:   RemedyAdmin,
	7000112: RemedyAdmin,
	700016:  RemedyAdmin,
	7000229: RemedyAdmin,
}

// RemedyFor tells the remedy of a problem by its code, so that it works on
// a problem kept from an earlier run as well ("entra.aadsts.50173").
func RemedyFor(code string) Remedy {
	if code == "entra.reauthorize" {
		return RemedyAuthorize
	}
	n, ok := strings.CutPrefix(code, "entra.aadsts.")
	if !ok {
		return RemedyNone
	}
	c, err := strconv.Atoi(n)
	if err != nil {
		return RemedyNone
	}
	return remedies[c]
}
