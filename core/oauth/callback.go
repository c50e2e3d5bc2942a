package oauth

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"sync"

	"mailoauth/core/entra"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// callback is the loopback listener's one handler. Its rules:
//   - any path but "/" is 404 (browsers ask for /favicon.ico, scanners probe);
//   - a request whose state is not ours is refused with 400 and the sign-in
//     keeps waiting: a stray or forged request (another tab, a local
//     program) must not be able to abort the user's sign-in, and the real
//     answer may still come before the timeout;
//   - the first request with our state finishes the sign-in, whatever it
//     carries (code or error=); every later one gets 410, so a reloaded tab
//     cannot redeem the code twice.
type callback struct {
	state    string
	lang     i18n.Lang
	exchange func(code string) (*Token, *status.Problem)
	// accept, when set, judges an answer that carries no code (admin
	// consent answers with admin_consent=True).
	accept func(q url.Values) *status.Problem
	done   chan result // buffered 1: the one outcome

	mu       sync.Mutex
	finished bool
}

type result struct {
	tok *Token
	p   *status.Problem
}

func newCallback(state string, lang i18n.Lang, exchange func(string) (*Token, *status.Problem)) *callback {
	return &callback{state: state, lang: lang, exchange: exchange, done: make(chan result, 1)}
}

func (c *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	c.mu.Lock()
	if c.finished {
		c.mu.Unlock()
		renderPage(w, http.StatusGone, c.lang, status.New(status.Yellow, "oauth.callback_used"))
		return
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(c.state)) != 1 {
		c.mu.Unlock()
		renderPage(w, http.StatusBadRequest, c.lang, status.New(status.Red, "oauth.bad_state"))
		return
	}
	c.finished = true
	c.mu.Unlock()

	var res result
	switch code := q.Get("code"); {
	case q.Get("error") != "":
		res.p = entra.FromCallback(q)
	case c.accept != nil:
		res.p = c.accept(q)
	case code == "":
		res.p = status.New(status.Red, "oauth.no_code")
	default:
		// Under the sign-in's context, not the request's: a tab closed
		// during the exchange must not waste the one-time code.
		res.tok, res.p = c.exchange(code)
	}
	httpStatus := http.StatusOK
	if res.p != nil {
		httpStatus = http.StatusBadRequest
	}
	renderPage(w, httpStatus, c.lang, res.p)
	c.done <- res
}
