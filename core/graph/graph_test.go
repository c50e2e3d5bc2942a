package graph

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mailoauth/core/status"
)

const deniedBody = `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-12-02T05:00:00","request-id":"3f1c6d2e-0000-4000-8000-000000000001","client-request-id":"3f1c6d2e-0000-4000-8000-000000000001"}}}`

func TestGraphErrorParsedAndMapped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-123456789" || r.URL.Path != "/v1.0/applications" {
			t.Errorf("request: %s %s", r.Header.Get("Authorization"), r.URL.Path)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(deniedBody))
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Token: "tok-123456789"}
	err := c.Post(context.Background(), "/applications", map[string]string{"displayName": "x"}, nil)
	e, ok := AsError(err)
	if !ok || e.HTTPStatus != 403 || e.Code != CodeDenied || e.RequestID != "3f1c6d2e-0000-4000-8000-000000000001" {
		t.Fatalf("error: %#v", err)
	}
	p := ProblemOf(err)
	if p.Level != status.Red || p.Code != "graph.denied" || !strings.Contains(p.Detail, "request-id 3f1c6d2e") {
		t.Errorf("problem: %+v", p)
	}
	if strings.Contains(err.Error(), "tok-123456789") || strings.Contains(p.Detail, "tok-123456789") {
		t.Error("token in the error text")
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"error":{"code":"TooManyRequests","message":"Too many requests."}}`))
			return
		}
		w.Write([]byte(`{"value":[{"id":"a"}]}`))
	}))
	defer srv.Close()
	var waited []time.Duration
	c := &Client{BaseURL: srv.URL, Token: "t", OnWait: func(_ int, d time.Duration) { waited = append(waited, d) }}
	var out struct{ Value []struct{ ID string } }
	start := time.Now()
	if err := c.Get(context.Background(), "/applications", &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Value) != 1 || calls.Load() != 2 || len(waited) != 1 || waited[0] != time.Second {
		t.Fatalf("value %v calls %d waited %v", out.Value, calls.Load(), waited)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("did not wait for Retry-After: %v", d)
	}
}

// A Retry-After beyond the bound is not slept through: the call ends at
// once, yellow, and says to try again later.
func TestRetryAfterBeyondBoundGivesUpYellow(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL, Token: "t", MaxWait: 10 * time.Second}
	start := time.Now()
	err := c.Get(context.Background(), "/applications", nil)
	// Far below the bound: the hour was not slept, not even the 10 s.
	if time.Since(start) > 8*time.Second || calls.Load() != 1 {
		t.Fatalf("waited %v, %d calls", time.Since(start), calls.Load())
	}
	if p := ProblemOf(err); p.Level != status.Yellow || p.Code != "graph.busy" {
		t.Errorf("problem: %+v", p)
	}
}

func TestCancelEndsTheWait(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{BaseURL: srv.URL, Token: "t", OnWait: func(int, time.Duration) { go cancel() }}
	start := time.Now()
	err := c.Get(ctx, "/applications", nil)
	if time.Since(start) > 20*time.Second {
		t.Fatalf("cancel did not end the wait: %v", time.Since(start))
	}
	if p := ProblemOf(err); p.Code != "graph.canceled" {
		t.Errorf("problem: %+v", p)
	}
}

func TestFilterQuotes(t *testing.T) {
	if got := Filter("displayName", "O'Brien mail"); got != "?$filter=displayName%20eq%20%27O%27%27Brien%20mail%27" {
		t.Errorf("%s", got)
	}
}

// 503 with Retry-After is waited out as 429 is.
func TestRetryAfterHonouredOn503(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(`{"value":[]}`))
	}))
	defer srv.Close()
	var waited []int
	c := &Client{BaseURL: srv.URL, Token: "t", OnWait: func(code int, d time.Duration) { waited = append(waited, code) }}
	start := time.Now()
	if err := c.Get(context.Background(), "/applications", nil); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || len(waited) != 1 || waited[0] != http.StatusServiceUnavailable || time.Since(start) < time.Second {
		t.Fatalf("calls %d, waits %v after %v", calls.Load(), waited, time.Since(start))
	}
}

// Graph's directory error codes each get their own problem, with the
// answer (and its request ID) as the detail.
func TestGraphCodesMapped(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		want   string
		level  status.Level
	}{
		{403, CodeDenied, "graph.denied", status.Red},
		{400, CodeBadRequest, "graph.bad_request", status.Red},
		{404, CodeNotFound, "graph.not_found", status.Red},
		{401, "InvalidAuthenticationToken", "graph.unauthorized", status.Yellow},
		{500, "UnknownError", "graph.failed", status.Red},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			w.Write([]byte(`{"error":{"code":"` + tc.code + `","message":"m","innerError":{"request-id":"rid-1"}}}`))
		}))
		err := (&Client{BaseURL: srv.URL, Token: "t", MaxWait: time.Millisecond}).Get(context.Background(), "/applications", nil)
		srv.Close()
		p := ProblemOf(err)
		if p.Code != tc.want || p.Level != tc.level || !strings.Contains(p.Detail, tc.code) || !strings.Contains(p.Detail, "rid-1") {
			t.Errorf("%d %s: %+v", tc.status, tc.code, p)
		}
	}
}
