// Package identity is a stand-in for the Microsoft identity platform v2.0
// on loopback HTTPS: OpenID configuration, authorize with a consent page,
// token for the grants mailoauth uses (PKCE verified, refresh tokens
// rotated), Microsoft's error JSON, and switches that reproduce each Entra
// error. Tests and the demo point the program's authority at it.
package identity

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"mailoauth/core/sandbox/certs"
)

// Fixed IDs of the sandbox tenant and its two registered apps.
const (
	DefaultTenantID      = "5a1b2c3d-0000-4e5f-8a9b-0c1d2e3f4a5b"
	PublicClientID       = "11111111-2222-4333-8444-555555555555"
	ConfidentialClientID = "66666666-7777-4888-9999-aaaaaaaaaaaa"
)

// Options configure a sandbox identity platform.
type Options struct {
	CA                *certs.CA
	Addr              string        // default 127.0.0.1:0
	TenantID          string        // default DefaultTenantID
	Domains           []string      // default contoso.example, fabrikam.example
	AccessTTL         time.Duration // default 1h
	AutoConsent       bool          // authorize redirects at once, no page
	RefreshTokenBytes int           // default 1400
	Now               func() time.Time
	DeviceInterval    time.Duration // polling interval of device sign-ins; default 1s
	// StrictRotation makes every refresh token single-use: once redeemed it
	// answers AADSTS70000. Entra itself keeps an old refresh token valid
	// after use (the default here too), which hides a program that redeems
	// one token twice — lock tests switch this on to see that.
	StrictRotation bool
}

// App is an app registration.
type App struct {
	ClientID     string
	Public       bool
	Secret       string
	RedirectURIs []string
	Permissions  []string // delegated permission names, e.g. IMAP.AccessAsUser.All
	AppRoles     []string // application permissions, e.g. IMAP.AccessAsApp

	// GraphPermissions are the delegated Microsoft Graph permissions the
	// app may ask for (scopes under GraphResource); its tokens then have
	// Graph's audience, which the mail servers refuse, as Exchange does.
	GraphPermissions []string
	// WebRedirectURIs are redirects under the Web platform: Entra signs the
	// user in, but redeems the code only with a client secret
	// (AADSTS7000218), because a Web redirect makes the app confidential.
	WebRedirectURIs []string
	// NoPublicFlows is "Allow public client flows" = No: the device code
	// flow is refused (AADSTS7000218).
	NoPublicFlows bool
	// Disabled is a service principal with sign-in turned off (AADSTS7000112).
	Disabled bool
	// Secrets are further valid client secrets (each addPassword adds one).
	Secrets []string
	// TrackConsent makes sign-ins need an organisation-wide consent for
	// every mail permission asked for (Consented), else AADSTS65001 — as
	// in a tenant where users may not consent themselves.
	TrackConsent bool
	Consented    []string
	// NoServicePrincipal: the app has no enterprise application (service
	// principal) in this tenant — another organisation's multi-tenant app
	// nobody here consented to, or one whose service principal has not
	// replicated yet. Entra blocks such sign-ins (service-principal-less
	// authentication is retired from March 2026, learn.microsoft.com
	// "retire-service-principal-less-authentication"): device code and
	// token requests answer AADSTS700016 ("… not installed by the
	// administrator of the tenant or consented to by any user in the
	// tenant"), client credentials AADSTS7000229, and an interactive
	// sign-in asks for the consent that would create it (AADSTS65001 where
	// only an administrator may consent).
	NoServicePrincipal bool
}

// GraphResource is Microsoft Graph's resource in the sandbox's cloud; the
// sandbox's Graph stand-in accepts tokens for it only.
var GraphResource = "https://" + cloud.GraphHost

func (a App) secretOK(secret string) bool {
	if secret == "" {
		return false
	}
	if a.Secret != "" && secret == a.Secret {
		return true
	}
	for _, s := range a.Secrets {
		if s == secret {
			return true
		}
	}
	return false
}

// consentLacking is the first asked-for mail permission nobody consented to.
func (a App) consentLacking(perms []string) bool {
	if !a.TrackConsent {
		return false
	}
	for _, p := range perms {
		ok := false
		for _, c := range a.Consented {
			ok = ok || c == p
		}
		if !ok {
			return true
		}
	}
	return false
}

// Fault makes an endpoint answer with an Entra error, an HTTP error of the
// service in front of it, or late.
type Fault struct {
	Endpoint string `json:"endpoint"` // authorize, token, refresh, devicecode, discovery, introspect or any
	AADSTS   int    `json:"aadsts"`
	// HTTPStatus replaces the 400 of an AADSTS answer (Entra sends
	// AADSTS50000 with a 500, throttling with a 429). Without an AADSTS code
	// the answer is the bare page a load balancer sends for that status.
	HTTPStatus int `json:"http_status,omitempty"`
	// RetryAfter is sent as Retry-After (seconds), as Entra does with 429
	// and 503.
	RetryAfter int `json:"retry_after,omitempty"`
	// DelayMS holds the answer back that long (a slow or stalled endpoint);
	// then the request goes on as usual unless AADSTS or HTTPStatus is set.
	// A client that gives up ends the wait.
	DelayMS int `json:"delay_ms,omitempty"`
	Times   int `json:"times"` // 0: until cleared
}

// Principal is who a valid access token speaks for.
type Principal struct {
	User    string
	Scopes  []string
	Roles   []string
	AppOnly bool
	AppID   string
}

type authCode struct {
	clientID, redirectURI, challenge, user string
	scopes                                 []string
	expires                                time.Time
	used                                   bool
	web                                    bool // redirect under the Web platform
}

type refreshToken struct {
	user, clientID string
	scopes         []string
	rotated        bool // redeemed at least once
}

type pending struct {
	q       map[string]string
	expires time.Time
}

// Server is a running stand-in.
type Server struct {
	opts      Options
	key       *rsa.PrivateKey
	srv       *http.Server
	mux       *http.ServeMux
	graph     http.Handler // under /v1.0/, set once by Handle
	ln        net.Listener
	authority string
	secret    string

	mu           sync.Mutex
	apps         map[string]App
	codes        map[string]*authCode
	refresh      map[string]*refreshToken
	revoked      map[string]time.Time
	pendings     map[string]*pending
	devices      map[string]*deviceGrant
	needsConsent map[string]bool // client IDs without admin consent
	faults       []Fault
	// attemptFault is the authorize fault taken for a sign-in attempt, by
	// its state: mailoauth's pre-flight and the browser load the same
	// address, and Entra answers both alike, so a fault counts attempts,
	// not requests.
	attemptFault map[string]Fault
	issued       []string
	refreshCount map[string]int
	withheld     map[string]bool
	accessCutoff int64 // access tokens with a serial up to this are expired
	serial       int64
	strict       bool // refresh tokens are single-use (Options.StrictRotation)
}

// New starts the server.
func New(opts Options) (*Server, error) {
	if opts.CA == nil {
		return nil, errors.New("identity: Options.CA is required")
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.TenantID == "" {
		opts.TenantID = DefaultTenantID
	}
	if len(opts.Domains) == 0 {
		opts.Domains = []string{"contoso.example", "fabrikam.example"}
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = time.Hour
	}
	if opts.RefreshTokenBytes == 0 {
		opts.RefreshTokenBytes = 1400
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.DeviceInterval <= 0 {
		// Entra says 5 s; the sandbox answers faster so tests and the demo
		// do not wait. The value still travels in the answer, as Entra's.
		opts.DeviceInterval = time.Second
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tlsCfg, err := opts.CA.ServerTLS()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts: opts, key: key, ln: ln,
		authority:    "https://" + ln.Addr().String(),
		secret:       "sbx~" + randString(30),
		apps:         map[string]App{},
		codes:        map[string]*authCode{},
		refresh:      map[string]*refreshToken{},
		revoked:      map[string]time.Time{},
		pendings:     map[string]*pending{},
		devices:      map[string]*deviceGrant{},
		needsConsent: map[string]bool{},
		refreshCount: map[string]int{},
		strict:       opts.StrictRotation,
	}
	perms := []string{"IMAP.AccessAsUser.All", "POP.AccessAsUser.All", "SMTP.Send"}
	s.AddApp(App{ClientID: PublicClientID, Public: true,
		RedirectURIs: []string{"http://localhost", "https://login.microsoftonline.com/common/oauth2/nativeclient"},
		Permissions:  perms})
	s.AddApp(App{ClientID: ConfidentialClientID, Secret: s.secret,
		RedirectURIs: []string{"http://localhost"}, Permissions: perms,
		AppRoles: []string{"IMAP.AccessAsApp", "POP.AccessAsApp", "SMTP.SendAsApp"}})
	s.mux = s.routes()
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serveHTTP), TLSConfig: tlsCfg, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(tls.NewListener(ln, tlsCfg))
	return s, nil
}

// Authority is https://127.0.0.1:<port>.
func (s *Server) Authority() string { return s.authority }

// TenantID is the sandbox tenant's GUID.
func (s *Server) TenantID() string { return s.opts.TenantID }

// Domains are the tenant's verified domains; any address in them can sign in.
func (s *Server) Domains() []string { return append([]string(nil), s.opts.Domains...) }

// ConfidentialSecret is the client secret of ConfidentialClientID, made
// fresh for each server so no secret lives in the source.
func (s *Server) ConfidentialSecret() string { return s.secret }

// IntrospectionURL is where real mail servers under test check tokens.
func (s *Server) IntrospectionURL() string { return s.authority + "/_sandbox/introspect" }

// CAPEM is the CA certificate that signs the server's TLS certificate.
func (s *Server) CAPEM() []byte { return s.opts.CA.PEM() }

// HTTPClient trusts the sandbox CA.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: s.opts.CA.ClientTLS()}}
}

// HandleGraph serves h under /v1.0/ on the same scheme, host and port — the
// Graph stand-in lives there, as the program expects Graph next to a login
// host that is none of Microsoft's. (A pattern on the mux would clash with
// the tenant paths, /{tenant}/…)
func (s *Server) HandleGraph(h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.graph = h
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	g := s.graph
	s.mu.Unlock()
	if g != nil && strings.HasPrefix(r.URL.Path, "/v1.0/") {
		g.ServeHTTP(w, r)
		return
	}
	// The Date header tells the time by the sandbox's clock (Options.Now),
	// as Entra's tells Microsoft's: a test can put the two clocks apart.
	w.Header().Set("Date", s.opts.Now().UTC().Format(http.TimeFormat))
	s.mux.ServeHTTP(w, r)
}

// Remember lists a secret handed out by a neighbour (a client secret of
// the Graph stand-in) in Issued, so leak scans look for it too.
func (s *Server) Remember(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remember(v)
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// AddApp registers (or replaces) an app.
func (s *Server) AddApp(a App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[a.ClientID] = a
}

// RemoveApp deletes an app registration: sign-ins answer AADSTS700016.
func (s *Server) RemoveApp(clientID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.apps, clientID)
}

// LookupApp returns an app registration.
func (s *Server) LookupApp(clientID string) (App, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[clientID]
	return a, ok
}

// SetFault adds a fault.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.attemptFault = nil
	s.withheld = nil
}

// takeAttemptFault is takeFault("authorize") for the sign-in attempt with
// this state: the first request of an attempt takes a fault, its repeats
// get the same answer.
func (s *Server) takeAttemptFault(state string) (Fault, bool) {
	s.mu.Lock()
	f, seen := s.attemptFault[state]
	s.mu.Unlock()
	if seen && state != "" {
		return f, f.AADSTS != 0
	}
	f, ok := s.takeFault("authorize")
	if state != "" {
		s.mu.Lock()
		if s.attemptFault == nil || len(s.attemptFault) > 1000 {
			s.attemptFault = map[string]Fault{}
		}
		s.attemptFault[state] = f
		s.mu.Unlock()
	}
	return f, ok
}

// Withhold makes tokens issued from now on lack a delegated permission, as
// when consent was granted for some permissions only.
func (s *Server) Withhold(perm string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.withheld == nil {
		s.withheld = map[string]bool{}
	}
	s.withheld[perm] = true
}

// SetStrictRotation switches single-use refresh tokens on or off (see
// Options.StrictRotation).
func (s *Server) SetStrictRotation(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.strict = on
}

// RevokeUser invalidates every refresh token of user (AADSTS50173).
func (s *Server) RevokeUser(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked[strings.ToLower(user)] = s.opts.Now()
}

// ExpireAccessTokens makes every access token issued so far invalid.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessCutoff = s.serial
}

// Issued returns every secret value the server handed out: codes, access,
// refresh and id tokens (leak scans search for them).
func (s *Server) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// RefreshCount is how many refresh-token grants user redeemed.
func (s *Server) RefreshCount(user string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshCount[strings.ToLower(user)]
}

// takeFault returns a matching fault, consuming one use. The browser's
// authorize page plays only AADSTS faults; HTTP statuses and delays are for
// the JSON endpoints and stay for them.
func (s *Server) takeFault(endpoint string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		f := &s.faults[i]
		if f.Endpoint != endpoint && f.Endpoint != "any" || endpoint == "authorize" && f.AADSTS == 0 {
			continue
		}
		got := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}
		return got, true
	}
	return Fault{}, false
}

// answerFault plays a fault on a JSON endpoint: the wait first, then the
// error. It reports whether it answered; false means "go on as usual" (a
// fault that only delays) — or that the client left during the wait.
func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, f Fault) (answered bool) {
	if f.DelayMS > 0 {
		t := time.NewTimer(time.Duration(f.DelayMS) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		}
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	switch {
	case f.AADSTS != 0:
		code := f.HTTPStatus
		if code == 0 {
			code = http.StatusBadRequest
		}
		s.entraError(w, code, f.AADSTS, "")
		return true
	case f.HTTPStatus != 0:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.HTTPStatus)
		fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", f.HTTPStatus, http.StatusText(f.HTTPStatus))
		return true
	}
	return false
}

func (s *Server) remember(v string) {
	s.issued = append(s.issued, v)
}

func randString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

func (s *Server) knownTenant(t string) (ok bool, common bool) {
	lt := strings.ToLower(t)
	if lt == s.opts.TenantID || lt == "organizations" {
		return true, false
	}
	if lt == "common" {
		return false, true
	}
	for _, d := range s.opts.Domains {
		if lt == d {
			return true, false
		}
	}
	return false, false
}

func (s *Server) userOK(u string) bool {
	at := strings.LastIndexByte(u, '@')
	if at < 1 {
		return false
	}
	d := strings.ToLower(u[at+1:])
	for _, x := range s.opts.Domains {
		if d == x {
			return true
		}
	}
	return false
}

func fmtCode(code int) string { return fmt.Sprintf("AADSTS%d", code) }
