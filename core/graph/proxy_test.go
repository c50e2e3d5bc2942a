package graph

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"mailoauth/core/netproxy"
	"mailoauth/core/status"
)

// A proxy that wants a sign-in is named as the obstacle, not Graph.
func TestProxyAuthRequired(t *testing.T) {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusProxyAuthRequired)
	}))
	defer proxy.Close()
	for _, k := range []string{"https_proxy", "http_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(k, "")
	}
	t.Setenv("HTTPS_PROXY", proxy.URL)
	tr := &http.Transport{}
	netproxy.Configure(tr)
	c := &Client{BaseURL: "https://graph.example.com", Token: "t", HTTP: &http.Client{Transport: tr}}
	err := c.once(context.Background(), http.MethodGet, "/me", nil, nil)
	p, ok := err.(*status.Problem)
	if !ok || p.Code != "netproxy.auth_required" {
		t.Fatalf("got %v", err)
	}
}
