// Package graph is a small client for Microsoft Graph v1.0: JSON in and
// out, Graph's error answers turned into typed errors and problems, and
// 429/503 answers waited out as Graph asks (Retry-After) — within a bound,
// so a throttled tenant ends in a yellow "try again later" instead of a
// program that hangs. Every call takes a context.
package graph

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"mailoauth/core/netproxy"
	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// The codes of Graph's directory errors that callers tell apart.
const (
	CodeDenied     = "Authorization_RequestDenied"
	CodeBadRequest = "Request_BadRequest"
	CodeNotFound   = "Request_ResourceNotFound"
)

// DefaultMaxWait bounds the time one call spends waiting for Graph to
// accept it again after 429/503: long enough for a usual throttling window,
// short enough for a person in front of the window.
const DefaultMaxWait = time.Minute

// maxAttempts stops a call that Graph keeps refusing without a Retry-After.
const maxAttempts = 5

// Client talks to one Graph host with one access token.
type Client struct {
	// BaseURL is scheme, host and port of Graph, without /v1.0
	// (https://graph.microsoft.com, a national cloud's host, or a stand-in).
	BaseURL string
	// Token is the bearer token. It is registered with redact and never
	// written anywhere by this package.
	Token string
	HTTP  *http.Client
	// MaxWait bounds the total wait for Retry-After within one call
	// (default DefaultMaxWait).
	MaxWait time.Duration
	// OnWait is told when a call waits for Graph (status code and wait),
	// so a caller can show it.
	OnWait func(status int, wait time.Duration)
}

// Error is Graph's error answer:
// {"error":{"code":"…","message":"…","innerError":{"request-id":"…","date":"…"}}}.
type Error struct {
	HTTPStatus int
	Code       string
	Message    string
	RequestID  string
	Date       string
	RetryAfter time.Duration // from the Retry-After header, 0 when none
}

func (e *Error) Error() string {
	return redact.String(fmt.Sprintf("Graph %d %s: %s", e.HTTPStatus, e.Code, e.Message))
}

// Temporary says Graph asked to come back later: throttling or an
// unavailable service, which is nobody's configuration fault.
func (e *Error) Temporary() bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.HTTPStatus == http.StatusServiceUnavailable ||
		e.HTTPStatus == http.StatusGatewayTimeout || e.HTTPStatus == http.StatusBadGateway
}

// Detail is the text for a helpdesk ticket: status, code, message and the
// request ID Microsoft support asks for.
func (e *Error) Detail() string {
	d := fmt.Sprintf("HTTP %d %s: %s", e.HTTPStatus, e.Code, e.Message)
	if e.RequestID != "" {
		d += " (request-id " + e.RequestID
		if e.Date != "" {
			d += ", " + e.Date
		}
		d += ")"
	}
	return redact.String(d)
}

// Problem is the generic problem for a Graph error; callers that know
// which step failed map the codes to more precise texts first.
func (e *Error) Problem() *status.Problem {
	if e.Temporary() {
		p := status.New(status.Yellow, "graph.busy", "status", strconv.Itoa(e.HTTPStatus))
		return p.WithDetail(e.Detail()).Wrap(e)
	}
	switch e.Code {
	case CodeDenied:
		return status.New(status.Red, "graph.denied").WithDetail(e.Detail()).Wrap(e)
	case CodeNotFound:
		return status.New(status.Red, "graph.not_found").WithDetail(e.Detail()).Wrap(e)
	case CodeBadRequest:
		return status.New(status.Red, "graph.bad_request").WithDetail(e.Detail()).Wrap(e)
	}
	if e.HTTPStatus == http.StatusUnauthorized {
		return status.New(status.Yellow, "graph.unauthorized").WithDetail(e.Detail()).Wrap(e)
	}
	return status.New(status.Red, "graph.failed", "code", e.Code).WithDetail(e.Detail()).Wrap(e)
}

// AsError finds the Graph error behind err (or behind a problem).
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is tells whether err is a Graph error with one of the codes.
func Is(err error, codes ...string) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return false
}

// ProblemOf turns any error of this package into a problem.
func ProblemOf(err error) *status.Problem {
	if err == nil {
		return nil
	}
	if p, ok := status.AsProblem(err); ok {
		return p
	}
	if e, ok := AsError(err); ok {
		return e.Problem()
	}
	return status.New(status.Red, "graph.failed", "code", "").WithDetail(redact.String(err.Error())).Wrap(err)
}

// Get reads path (relative to /v1.0, e.g. "/applications?$filter=…") into out.
func (c *Client) Get(ctx context.Context, path string, out any) error {
	return c.Do(ctx, http.MethodGet, path, nil, out)
}

// Post sends in as JSON and reads the answer into out (nil: ignored).
func (c *Client) Post(ctx context.Context, path string, in, out any) error {
	return c.Do(ctx, http.MethodPost, path, in, out)
}

// Patch updates an object; Graph answers 204 without a body.
func (c *Client) Patch(ctx context.Context, path string, in any) error {
	return c.Do(ctx, http.MethodPatch, path, in, nil)
}

// Filter builds "?$filter=<field> eq '<value>'" with the value quoted the
// OData way (a ' doubled), so a display name cannot break the query.
func Filter(field, value string) string {
	q := url.QueryEscape(field + " eq '" + strings.ReplaceAll(value, "'", "''") + "'")
	return "?$filter=" + strings.ReplaceAll(q, "+", "%20")
}

// Do sends one request. A 429/503/502/504 is retried after the wait Graph
// asks for (Retry-After, else a growing backoff), as long as the total wait
// stays within MaxWait and ctx lives; then the last answer is returned as
// an *Error.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	redact.Add(c.Token)
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	budget := c.MaxWait
	if budget <= 0 {
		budget = DefaultMaxWait
	}
	backoff := time.Second
	for attempt := 1; ; attempt++ {
		gerr := c.once(ctx, method, path, body, out)
		e, ok := gerr.(*Error)
		if !ok || !e.Temporary() || attempt >= maxAttempts {
			return gerr
		}
		wait := e.RetryAfter
		if wait <= 0 {
			wait = backoff
			backoff *= 2
		}
		if wait > budget {
			return gerr
		}
		budget -= wait
		if c.OnWait != nil {
			c.OnWait(e.HTTPStatus, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return c.netErr(ctx, ctx.Err())
		case <-t.C:
		}
	}
}

func (c *Client) once(ctx context.Context, method, path string, body []byte, out any) error {
	target := strings.TrimSuffix(c.BaseURL, "/") + "/v1.0" + path
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return status.New(status.Red, "graph.bad_url", "url", c.BaseURL).Wrap(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return c.netErr(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return c.netErr(ctx, err)
	}
	if resp.StatusCode/100 == 2 {
		if out == nil || len(bytes.TrimSpace(data)) == 0 {
			return nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return &Error{HTTPStatus: resp.StatusCode, Code: "invalid_json", Message: snippet(data)}
		}
		return nil
	}
	return parseError(resp, data)
}

func parseError(resp *http.Response, data []byte) *Error {
	var w struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError struct {
				RequestID string `json:"request-id"`
				Date      string `json:"date"`
			} `json:"innerError"`
		} `json:"error"`
	}
	e := &Error{HTTPStatus: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	if json.Unmarshal(data, &w) == nil && w.Error.Code != "" {
		e.Code, e.Message = w.Error.Code, w.Error.Message
		e.RequestID, e.Date = w.Error.InnerError.RequestID, w.Error.InnerError.Date
	} else {
		// A proxy's page or an empty answer: keep the status and a snippet.
		e.Code, e.Message = http.StatusText(resp.StatusCode), snippet(data)
	}
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("request-id")
	}
	return e
}

// retryAfter reads seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200]
	}
	return redact.String(s)
}

// netErr explains why Graph could not be reached.
func (c *Client) netErr(ctx context.Context, err error) *status.Problem {
	host := c.BaseURL
	if u, perr := url.Parse(c.BaseURL); perr == nil && u.Host != "" {
		host = u.Host
	}
	detail := redact.String(err.Error())
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var rh tls.RecordHeaderError
	var ne net.Error
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
		return status.New(status.Yellow, "graph.canceled").Wrap(err)
	case netproxy.Problem(err) != nil:
		// The proxy refused the tunnel (407, 403): it, not Graph, is the obstacle.
		return netproxy.Problem(err)
	case errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &rh), strings.Contains(err.Error(), "x509:"):
		return status.New(status.Red, "graph.tls", "host", host).WithDetail(detail).Wrap(err)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		// Graph (or the way to it) answered too slowly: temporary.
		return status.New(status.Yellow, "graph.timeout", "host", host).WithDetail(detail).Wrap(err)
	}
	return status.New(status.Red, "graph.unreachable", "host", host).WithDetail(detail).Wrap(err)
}
