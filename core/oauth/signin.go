package oauth

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pkg/browser"
	"golang.org/x/oauth2"

	"mailoauth/assets"
	"mailoauth/core/account"
	"mailoauth/core/entra"
	"mailoauth/core/i18n"
	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// DefaultTimeout is how long a sign-in waits: long enough for MFA on a
// phone, short enough that a forgotten tab does not hold a port for ever.
const DefaultTimeout = 5 * time.Minute

func init() {
	// pkg/browser copies the opener's output to ours; stdout must stay clean
	// (access-token prints there) and a browser's chatter is no user text.
	browser.Stdout = io.Discard
	browser.Stderr = io.Discard
}

// SignInOptions are the ways CLI and GUI take part in a sign-in.
type SignInOptions struct {
	Lang    i18n.Lang
	Timeout time.Duration // default DefaultTimeout
	// OnURL is always called with the sign-in address, so it can be shown:
	// the browser may not open (no desktop, a policy, a remote session).
	OnURL func(url string)
	// OnWaiting is called once the listener waits, with the deadline.
	OnWaiting func(deadline time.Time)
	// OpenBrowser opens the address; default pkg/browser. It runs on its own
	// goroutine, never on the caller's (a GUI thread).
	OpenBrowser func(url string) error
	// ReadPasted asks the user for the final address of a nativeclient
	// sign-in (the browser cannot hand it to us).
	ReadPasted func(ctx context.Context) (string, error)
	// Device signs in with a code on another device (the account's flow
	// may ask for it too); OnDeviceCode shows the code and the address.
	Device       bool
	OnDeviceCode func(*DeviceCode)
	// ReadErrorCode, while the loopback waits, reads what the user types:
	// a line naming the AADSTS code Microsoft's page shows ends the wait
	// with our text for it (the page cannot reach the loopback). Other
	// lines, an empty input and a read error change nothing.
	ReadErrorCode func(ctx context.Context) (string, error)

	// preflight looks at the sign-in address before the browser opens.
	preflight func(ctx context.Context, authURL string) *status.Problem
}

func randomState() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (c *Config) authURL(redirectURI, state, verifier string) string {
	q := url.Values{
		"client_id":             {c.ClientID},
		"response_type":         {"code"},
		"redirect_uri":          {redirectURI},
		"response_mode":         {"query"},
		"scope":                 {strings.Join(c.Scopes, " ")},
		"state":                 {state},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(verifier)},
		"code_challenge_method": {"S256"},
		// select_account: single sign-on must not silently pick the Windows
		// user when the mailbox belongs to someone else — the helpdesk signs
		// in on its own PC for a service mailbox, and without the prompt the
		// token is for the helpdesk user (Aagon's ACMP guide warns of this).
		"prompt": {"select_account"},
	}
	if c.LoginHint != "" {
		q.Set("login_hint", c.LoginHint)
	}
	return c.AuthorizeURL() + "?" + q.Encode()
}

func openInBackground(opts SignInOptions, u string) {
	if opts.OnURL != nil {
		opts.OnURL(u)
	}
	open := opts.OpenBrowser
	if open == nil {
		open = browser.OpenURL
	}
	go func() { _ = open(u) }()
}

// SignIn runs the authorization code flow with PKCE in the system browser
// and catches the answer on a loopback listener (127.0.0.1, random port,
// redirect http://localhost:<port>, path /). The listener's rules are those
// of callback; it closes when SignIn returns. Registrations whose redirect is
// Microsoft's nativeclient page go through SignInManual with
// opts.ReadPasted.
func SignIn(ctx context.Context, c *Config, opts SignInOptions) (*Token, *status.Problem) {
	if c.RedirectMode == account.RedirectNativeClient {
		return SignInManual(ctx, c, opts.ReadPasted, opts)
	}
	if err := ctx.Err(); err != nil {
		return nil, status.New(status.Yellow, "oauth.canceled").Wrap(err)
	}
	verifier := oauth2.GenerateVerifier()
	redact.Add(verifier)
	opts.preflight = c.preflight
	return serveLoopback(ctx, opts, func(ctx context.Context, redirectURI, state string) (*callback, string) {
		cb := newCallback(state, opts.Lang, func(code string) (*Token, *status.Problem) {
			return Exchange(ctx, c, code, verifier, redirectURI)
		})
		return cb, c.authURL(redirectURI, state, verifier)
	})
}

// serveLoopback runs one browser round trip: it listens on 127.0.0.1 (and
// [::1]) at a random port, lets start build the callback and the address
// for the redirect http://localhost:<port>, opens the browser, and waits for
// the callback's one outcome, the timeout or ctx.
func serveLoopback(ctx context.Context, opts SignInOptions, start func(ctx context.Context, redirectURI, state string) (*callback, string)) (*Token, *status.Problem) {
	timeout := opts.timeout()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, status.New(status.Red, "oauth.listen").WithDetail(err.Error()).Wrap(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	listeners := []net.Listener{ln}
	// Browsers may resolve localhost to ::1 first. Holding the same port
	// there too (best effort) means no other local program can sit on
	// [::1]:port and receive the code in our place.
	if ln6, err := net.Listen("tcp", "[::1]:"+port); err == nil {
		listeners = append(listeners, ln6)
	}
	redirectURI := "http://localhost:" + port

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cb, authURL := start(ctx, redirectURI, randomState())
	srv := &http.Server{Handler: cb, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 2 * time.Minute, ErrorLog: log.New(io.Discard, "", 0)}
	for _, l := range listeners {
		go srv.Serve(l)
	}
	defer func() {
		// The success page must reach the browser before the listener goes;
		// Shutdown lets the running handler finish, but not for ever.
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()

	if opts.preflight != nil {
		if p := opts.preflight(ctx, authURL); p != nil {
			return nil, p
		}
	}
	openInBackground(opts, authURL)
	if opts.OnWaiting != nil {
		dl, _ := ctx.Deadline()
		opts.OnWaiting(dl)
	}
	typed := make(chan *status.Problem, 1)
	if opts.ReadErrorCode != nil {
		go readErrorCodes(ctx, opts.ReadErrorCode, typed)
	}
	select {
	case res := <-cb.done:
		return res.tok, res.p
	case p := <-typed:
		return nil, p
	case <-ctx.Done():
		return nil, endProblem(ctx, timeout)
	}
}

// readErrorCodes reads lines until one names an AADSTS code, the input
// ends or ctx does.
func readErrorCodes(ctx context.Context, read func(context.Context) (string, error), found chan<- *status.Problem) {
	for ctx.Err() == nil {
		s, err := read(ctx)
		if p := ProblemInText(s); p != nil {
			found <- p
			return
		}
		if err != nil {
			return
		}
	}
}

// endProblem says why a sign-in stopped waiting: the user's timeout ran out
// (yellow: nothing is misconfigured, it can simply be tried again) or the
// caller cancelled.
func endProblem(ctx context.Context, timeout time.Duration) *status.Problem {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return status.New(status.Yellow, "oauth.timeout", "duration", formatDuration(timeout)).Wrap(ctx.Err())
	}
	return status.New(status.Yellow, "oauth.canceled").Wrap(ctx.Err())
}

// formatDuration writes a wait the way both languages read it ("5 min",
// "90 s").
func formatDuration(d time.Duration) string {
	switch {
	case d >= time.Minute && d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d >= time.Second:
		return strconv.Itoa(int(d.Round(time.Second)/time.Second)) + " s"
	default:
		return d.String()
	}
}

func (o SignInOptions) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// SignInManual is the fallback for registrations whose only redirect is
// Microsoft's nativeclient page: the browser ends on an empty page there,
// and the user pastes its address (or just the code) back to us through
// readPasted. The state is checked like on the loopback.
func SignInManual(ctx context.Context, c *Config, readPasted func(ctx context.Context) (string, error), opts SignInOptions) (*Token, *status.Problem) {
	if readPasted == nil {
		return nil, status.New(status.Red, "oauth.paste_unsupported")
	}
	if err := ctx.Err(); err != nil {
		return nil, status.New(status.Yellow, "oauth.canceled").Wrap(err)
	}
	timeout := opts.timeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	state := randomState()
	verifier := oauth2.GenerateVerifier()
	redact.Add(verifier)
	authURL := c.authURL(account.NativeClientURI, state, verifier)
	if p := c.preflight(ctx, authURL); p != nil {
		return nil, p
	}
	openInBackground(opts, authURL)
	if opts.OnWaiting != nil {
		dl, _ := ctx.Deadline()
		opts.OnWaiting(dl)
	}
	type pasted struct {
		s   string
		err error
	}
	// readPasted may not honour ctx (a blocked terminal read): the deadline
	// still ends the sign-in.
	got := make(chan pasted, 1)
	go func() {
		s, err := readPasted(ctx)
		got <- pasted{s, err}
	}()
	var in pasted
	select {
	case in = <-got:
	case <-ctx.Done():
		return nil, endProblem(ctx, timeout)
	}
	if in.err != nil {
		if ctx.Err() != nil {
			return nil, endProblem(ctx, timeout)
		}
		return nil, status.New(status.Yellow, "oauth.canceled").Wrap(in.err)
	}
	code, p := ParsePasted(in.s, state)
	if p != nil {
		return nil, p
	}
	return Exchange(ctx, c, code, verifier, account.NativeClientURI)
}

// ParsePasted takes the code out of a pasted final address (checking the
// state) or accepts a bare code.
func ParsePasted(pasted, state string) (string, *status.Problem) {
	s := strings.TrimSpace(pasted)
	if s == "" {
		return "", status.New(status.Red, "oauth.paste_empty")
	}
	if p := ProblemInText(s); p != nil && !strings.Contains(s, "://") {
		// The code Microsoft's page shows ("AADSTS50011"), read off and
		// pasted: our text for it, not a sign-in code to redeem. A pasted
		// address with error= is read below.
		return "", p
	}
	if !strings.Contains(s, "://") && !strings.ContainsAny(s, "?&= ") {
		redact.Add(s)
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", status.New(status.Red, "oauth.paste_bad")
	}
	q := u.Query()
	if len(q) == 0 && u.Fragment != "" {
		q, _ = url.ParseQuery(u.Fragment)
	}
	if code := q.Get("code"); code != "" {
		redact.Add(code)
	}
	if q.Get("error") != "" {
		return "", entra.FromCallback(q)
	}
	if q.Get("code") == "" {
		return "", status.New(status.Red, "oauth.paste_no_code")
	}
	if q.Get("state") != state {
		return "", status.New(status.Red, "oauth.bad_state")
	}
	return q.Get("code"), nil
}

var pageTmpl = template.Must(template.ParseFS(assets.Pages, "pages/callback.html"))

// renderPage shows the outcome in the browser tab: success, or what went
// wrong and what to do — in the user's language.
func renderPage(w http.ResponseWriter, code int, lang i18n.Lang, p *status.Problem) {
	data := map[string]string{"Lang": string(lang), "FixLabel": i18n.T(lang, "common.fix_prefix", nil),
		"Close": i18n.T(lang, "oauth.page.close", nil)}
	if p == nil {
		data["Title"] = i18n.T(lang, "oauth.page.ok_title", nil)
		data["Message"] = i18n.T(lang, "oauth.page.ok", nil)
		data["Colour"] = "#2e7d32"
	} else {
		data["Title"] = i18n.T(lang, "oauth.page.failed_title", nil)
		data["Message"] = p.Message(lang)
		data["Fix"] = p.Fix(lang)
		data["Detail"] = p.Detail
		data["Colour"] = "#c62828"
		if p.Level == status.Yellow {
			data["Colour"] = "#f9a825"
		}
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, data); err != nil {
		http.Error(w, "mailoauth", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}
