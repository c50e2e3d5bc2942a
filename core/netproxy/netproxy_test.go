package netproxy

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"mailoauth/core/i18n"
)

// standIn is a proxy on loopback: it answers CONNECT with status, and with
// 200 tunnels to backend whatever host was asked for.
type standIn struct {
	status  int
	backend string
	mu      sync.Mutex
	asked   []string
	auth    []string
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.asked = append(s.asked, r.Method+" "+r.Host)
	s.auth = append(s.auth, r.Header.Get("Proxy-Authorization"))
	s.mu.Unlock()
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	if s.status != http.StatusOK {
		w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
		w.WriteHeader(s.status)
		return
	}
	up, err := net.Dial("tcp", s.backend)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusOK)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		up.Close()
		return
	}
	go func() { io.Copy(up, conn); up.Close() }()
	go func() { io.Copy(conn, up); conn.Close() }()
}

func clearEnv(t *testing.T) {
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
}

// setup is a TLS server standing in for the identity platform (its
// certificate names example.com, a host that is not loopback, which
// proxies skip) and a client built as the program builds its own.
func setup(t *testing.T, proxyStatus int) (*standIn, *http.Client, string, string) {
	clearEnv(t)
	backend := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "token endpoint") }))
	t.Cleanup(backend.Close)
	p := &standIn{status: proxyStatus, backend: backend.Listener.Addr().String()}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	roots := x509.NewCertPool()
	roots.AddCert(backend.Certificate())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(tr.CloseIdleConnections)
	_, port, _ := net.SplitHostPort(backend.Listener.Addr().String())
	return p, &http.Client{Transport: tr}, ps.URL, "https://example.com:" + port + "/token"
}

func TestHTTPSProxyFromEnvironment(t *testing.T) {
	p, c, proxyURL, target := setup(t, http.StatusOK)
	u, _ := url.Parse(proxyURL)
	t.Setenv("HTTPS_PROXY", "http://corp:s3cret@"+u.Host)
	Configure(c.Transport.(*http.Transport))
	resp, err := c.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "token endpoint" || len(p.asked) != 1 || !strings.HasPrefix(p.asked[0], "CONNECT example.com:") {
		t.Fatalf("through the proxy: %q, proxy saw %q", body, p.asked)
	}
	if p.auth[0] == "" {
		t.Error("the proxy user in HTTPS_PROXY was not sent")
	}
	ch := For(target)
	if ch.Source != Environment || ch.Proxy != "http://"+u.Host || strings.Contains(Describe(target, i18n.EN), "s3cret") {
		t.Errorf("choice %+v, %q", ch, Describe(target, i18n.EN))
	}
	// NO_PROXY wins for the hosts it names.
	t.Setenv("NO_PROXY", "example.com")
	if ch := For(target); ch.Source != Direct || ch.Proxy != "" {
		t.Errorf("NO_PROXY: %+v", ch)
	}
}

func TestProxyRefusals(t *testing.T) {
	for status, code := range map[int]string{http.StatusProxyAuthRequired: "netproxy.auth_required", http.StatusForbidden: "netproxy.blocked"} {
		_, c, proxyURL, target := setup(t, status)
		t.Setenv("HTTPS_PROXY", proxyURL)
		Configure(c.Transport.(*http.Transport))
		_, err := c.Get(target)
		p := Problem(err)
		if p == nil || p.Code != code {
			t.Fatalf("%d: problem %v (err %v)", status, p, err)
		}
		msg := p.Message(i18n.DE) + " " + p.Fix(i18n.DE)
		u, _ := url.Parse(proxyURL)
		if !strings.Contains(msg, u.Host) || !strings.Contains(msg, "example.com") {
			t.Errorf("%d: the message does not name proxy and host: %s", status, msg)
		}
	}
	if Problem(io.EOF) != nil {
		t.Error("a plain error is no proxy refusal")
	}
}

func TestSystemProxyAndPrecedence(t *testing.T) {
	clearEnv(t)
	sys, _ := url.Parse("http://proxy.corp.example:8080")
	old := systemProxy
	systemProxy = func() func(*http.Request) (*url.URL, error) {
		return func(*http.Request) (*url.URL, error) { return sys, nil }
	}
	defer func() { systemProxy = old }()
	target := "https://login.microsoftonline.com/"
	if ch := For(target); ch.Source != System || ch.Proxy != "http://proxy.corp.example:8080" {
		t.Errorf("system: %+v", ch)
	}
	if d := Describe(target, i18n.EN); !strings.Contains(d, "Windows proxy settings") {
		t.Errorf("describe: %s", d)
	}
	t.Setenv("NO_PROXY", ".microsoftonline.com")
	if ch := For(target); ch.Proxy != "" {
		t.Errorf("NO_PROXY over the system proxy: %+v", ch)
	}
	t.Setenv("HTTPS_PROXY", "http://env-proxy:3128")
	t.Setenv("NO_PROXY", "")
	if ch := For(target); ch.Source != Environment || ch.Proxy != "http://env-proxy:3128" {
		t.Errorf("HTTPS_PROXY over the system proxy: %+v", ch)
	}
	clearEnv(t)
	systemProxy = func() func(*http.Request) (*url.URL, error) { return nil }
	if ch := For(target); ch.Source != Direct {
		t.Errorf("nothing set: %+v", ch)
	}
}
