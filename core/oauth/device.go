package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"mailoauth/core/entra"
	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// DeviceCode is what the user needs to sign in on another device: the
// address to open and the code to type there.
type DeviceCode struct {
	UserCode        string
	VerificationURI string
	Expires         time.Time
	Interval        time.Duration
	deviceCode      string
}

// DeviceGrant is the token grant of RFC 8628.
const DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// StartDevice asks the identity platform for a device code.
func StartDevice(ctx context.Context, c *Config) (*DeviceCode, *status.Problem) {
	rctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	form := url.Values{"client_id": {c.ClientID}, "scope": {strings.Join(c.Scopes, " ")}}
	code, _, body, p := c.postForm(rctx, c.DeviceCodeURL(), form)
	if p != nil {
		return nil, p
	}
	var dj struct {
		UserCode        string      `json:"user_code"`
		DeviceCode      string      `json:"device_code"`
		VerificationURI string      `json:"verification_uri"`
		ExpiresIn       json.Number `json:"expires_in"`
		Interval        json.Number `json:"interval"`
	}
	if code != http.StatusOK || json.Unmarshal(body, &dj) != nil || dj.DeviceCode == "" || dj.UserCode == "" {
		return nil, entra.Parse(code, body)
	}
	redact.Add(dj.DeviceCode)
	d := &DeviceCode{UserCode: dj.UserCode, VerificationURI: dj.VerificationURI, deviceCode: dj.DeviceCode}
	secs, _ := dj.ExpiresIn.Int64()
	if secs <= 0 {
		secs = 900 // Entra's usual 15 minutes
	}
	d.Expires = time.Now().Add(time.Duration(secs) * time.Second)
	iv, _ := dj.Interval.Int64()
	if iv <= 0 {
		iv = 5
	}
	d.Interval = time.Duration(iv) * time.Second
	return d, nil
}

// PollDevice waits for the user to finish the sign-in on the other device,
// polling at the interval the platform gave (longer after slow_down), until
// a token comes, the user declines, the code expires or ctx ends.
func PollDevice(ctx context.Context, c *Config, d *DeviceCode) (*Token, *status.Problem) {
	return pollDevice(ctx, c, d, time.Now())
}

// pollDevice polls; started is when the sign-in began, so that a caller's
// deadline ends it as "not finished within …" naming the whole wait.
func pollDevice(ctx context.Context, c *Config, d *DeviceCode, started time.Time) (*Token, *status.Problem) {
	ended := func() *status.Problem { return endProblem(ctx, time.Since(started).Round(time.Second)) }
	interval := d.Interval
	for {
		wait := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			wait.Stop()
			return nil, ended()
		case <-wait.C:
		}
		if time.Now().After(d.Expires) {
			return nil, status.New(status.Yellow, "entra.aadsts.70019", "code", "70019")
		}
		tok, p := c.postToken(ctx, url.Values{"grant_type": {DeviceGrant}, "device_code": {d.deviceCode}})
		if p == nil {
			return tok, nil
		}
		var e *entra.Error
		if !errors.As(p, &e) {
			if ctx.Err() != nil {
				return nil, ended()
			}
			return nil, p
		}
		switch {
		case e.Code == "authorization_pending" || e.AADSTS == 70016 && e.Code != "authorization_declined":
			continue
		case e.Code == "slow_down":
			interval += 5 * time.Second // RFC 8628 3.5
			continue
		case e.Code == "authorization_declined":
			// Entra's text for a declined device sign-in is AADSTS90120's.
			return nil, status.New(status.Yellow, "entra.aadsts.90120", "code", "90120").WithDetail(p.Detail).Wrap(e)
		}
		return nil, p
	}
}

// SignInDevice runs the whole device code sign-in: show shows the code and
// address to the user (it must not block).
func SignInDevice(ctx context.Context, c *Config, show func(*DeviceCode)) (*Token, *status.Problem) {
	started := time.Now()
	d, p := StartDevice(ctx, c)
	if p != nil {
		return nil, p
	}
	if show != nil {
		show(d)
	}
	return pollDevice(ctx, c, d, started)
}
