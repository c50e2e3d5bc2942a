// Package netproxy chooses the proxy for mailoauth's HTTPS calls (sign-in,
// tenant discovery, Graph) and explains a proxy that stands in the way.
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY win when set, as every command-line
// tool does it. Otherwise, on Windows, the system's own settings apply — a
// fixed proxy, a PAC script or WPAD, read and evaluated by Windows itself
// through go-ieproxy (WinHTTP), because users there never set HTTPS_PROXY.
// Mail (IMAP, POP3, SMTP) always goes direct, as mail clients do.
package netproxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"golang.org/x/net/http/httpproxy"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// Source says where a proxy choice comes from.
type Source string

// The sources.
const (
	Direct      Source = "direct"      // no proxy
	Environment Source = "environment" // HTTPS_PROXY / HTTP_PROXY (and NO_PROXY)
	System      Source = "system"      // the Windows proxy settings
)

// Configure sets tr's proxy choice and its reading of a proxy's refusal.
// The one HTTP client of the program calls it.
func Configure(tr *http.Transport) {
	tr.Proxy = Func()
	tr.OnProxyConnectResponse = onConnectResponse
}

// Func returns the proxy for a request. The environment is read when Func
// is called (not once per process, as http.ProxyFromEnvironment does).
func Func() func(*http.Request) (*url.URL, error) {
	f, _ := choose()
	return f
}

func choose() (func(*http.Request) (*url.URL, error), Source) {
	env := httpproxy.FromEnvironment()
	if env.HTTPSProxy != "" || env.HTTPProxy != "" {
		pf := env.ProxyFunc()
		return func(r *http.Request) (*url.URL, error) { return pf(r.URL) }, Environment
	}
	sys := systemProxy()
	if sys == nil {
		return func(*http.Request) (*url.URL, error) { return nil, nil }, Direct
	}
	// NO_PROXY alone still names the hosts to reach directly; a
	// placeholder proxy lets httpproxy apply its matching rules
	// (domains, suffixes, CIDRs, and never a loopback address).
	placeholder := &httpproxy.Config{HTTPProxy: "placeholder:1", HTTPSProxy: "placeholder:1", NoProxy: env.NoProxy}
	bypass := placeholder.ProxyFunc()
	return func(r *http.Request) (*url.URL, error) {
		if u, _ := bypass(r.URL); u == nil {
			return nil, nil
		}
		return sys(r)
	}, System
}

// Choice is the proxy a request to a URL would use, for the diagnostics
// report and messages: the proxy's scheme://host:port (never its user or
// password), or "" for a direct connection.
type Choice struct {
	Proxy  string
	Source Source
}

// For tells the choice for target.
func For(target string) Choice {
	f, src := choose()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		return Choice{Source: Direct}
	}
	u, err := f(req)
	if err != nil || u == nil {
		if src == System {
			return Choice{Source: System}
		}
		return Choice{Source: Direct}
	}
	return Choice{Proxy: Redact(u), Source: src}
}

// Redact is a proxy URL without user and password.
func Redact(u *url.URL) string {
	if u.Scheme == "" {
		return u.Host
	}
	return u.Scheme + "://" + u.Host
}

// Error is a proxy's refusal of a tunnel (CONNECT) to a host.
type Error struct {
	Proxy      string // scheme://host:port, without credentials
	ProxyHost  string // host:port
	Host       string // where the tunnel should have led
	StatusCode int
	Status     string
}

func (e *Error) Error() string {
	return fmt.Sprintf("proxy %s answered %q to CONNECT %s", e.Proxy, e.Status, e.Host)
}

// onConnectResponse turns anything but 200 to a CONNECT into an *Error,
// which net/http would otherwise reduce to the bare status text.
func onConnectResponse(_ context.Context, proxy *url.URL, req *http.Request, res *http.Response) error {
	if res.StatusCode == http.StatusOK {
		return nil
	}
	return &Error{Proxy: Redact(proxy), ProxyHost: proxy.Host, Host: req.Host, StatusCode: res.StatusCode, Status: res.Status}
}

// Problem explains err when a proxy refused it: 407 (it wants a sign-in
// mailoauth cannot give) or any other refusal (it blocks the host). nil
// when err is not a proxy's refusal.
func Problem(err error) *status.Problem {
	var pe *Error
	if !errors.As(err, &pe) {
		return nil
	}
	code := "netproxy.blocked"
	if pe.StatusCode == http.StatusProxyAuthRequired {
		code = "netproxy.auth_required"
	}
	return status.New(status.Red, code, "proxy", pe.Proxy, "proxy_host", pe.ProxyHost, "host", pe.Host, "status", pe.Status).WithDetail(pe.Error()).Wrap(err)
}

// Describe is the choice for target as one line of the diagnostics report.
func Describe(target string, lang i18n.Lang) string {
	c := For(target)
	key := "netproxy.report.direct"
	switch {
	case c.Source == Environment && c.Proxy != "":
		key = "netproxy.report.environment"
	case c.Source == System && c.Proxy != "":
		key = "netproxy.report.system"
	case c.Source == System:
		key = "netproxy.report.system_direct"
	}
	return i18n.T(lang, "netproxy.report", i18n.Args{"url": target}) + ": " + i18n.T(lang, key, i18n.Args{"proxy": c.Proxy})
}
