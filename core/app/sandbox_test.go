package app

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// The stand-in browser is handed what the sign-in opens: a URL without a
// query is no sign-in and is an error — not a panic that takes the demo
// or a test binary down — and it asks nothing of the server.
func TestConsentingBrowserRefusesAURLWithoutQuery(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Write([]byte(`<form><input name="request" value="r1"><input name="user" value="u"></form>`))
	}))
	defer srv.Close()
	for _, u := range []string{srv.URL + "/common/oauth2/v2.0/authorize", srv.URL, "%zz"} {
		if err := ConsentingBrowser(srv.Client())(u); err == nil {
			t.Errorf("%q: no error", u)
		}
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("%d requests for URLs that are no sign-in", n)
	}
}
