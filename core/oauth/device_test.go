package oauth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

// approveLater approves (or declines) the device sign-in once the app
// has polled at least once, as a user who is slower than the first poll.
func approveLater(t *testing.T, s *identity.Server, user string, accept bool) func(*DeviceCode) {
	return func(d *DeviceCode) {
		if d.UserCode == "" || !strings.HasSuffix(d.VerificationURI, "/devicelogin") {
			t.Errorf("device code %+v", d)
		}
		go func() {
			time.Sleep(1500 * time.Millisecond) // past the first poll (interval 1 s)
			if err := s.ApproveDevice(d.UserCode, user, accept); err != nil {
				t.Error(err)
			}
		}()
	}
}

func TestDeviceSignIn(t *testing.T) {
	s := sandbox(t, false)
	tok, p := SignInDevice(context.Background(), config(s), approveLater(t, s, "anna@contoso.example", true))
	if p != nil || tok == nil || tok.RefreshToken == "" {
		t.Fatalf("device sign-in: %v", p)
	}
	c, _ := DecodeClaims(tok.AccessToken)
	if c.User() != "anna@contoso.example" {
		t.Errorf("signed in as %q", c.User())
	}
}

func TestDeviceDeclinedExpiredBadCode(t *testing.T) {
	s := sandbox(t, false)
	_, p := SignInDevice(context.Background(), config(s), approveLater(t, s, "", false))
	if p == nil || p.Code != "entra.aadsts.90120" || p.Level != status.Yellow {
		t.Errorf("declined: %v", p)
	}
	for _, code := range []int{70018, 70019} {
		s.SetFault(identity.Fault{Endpoint: "token", AADSTS: code, Times: 1})
		_, p := SignInDevice(context.Background(), config(s), nil)
		if p == nil || p.Code != fmt.Sprintf("entra.aadsts.%d", code) {
			t.Errorf("%d: %v", code, p)
		}
	}
	// The public client must be allowed public flows; a confidential one is refused.
	cfg := config(s)
	cfg.ClientID = identity.ConfidentialClientID
	if _, p := StartDevice(context.Background(), cfg); p == nil || p.Code != "entra.aadsts.7000218" {
		t.Errorf("confidential client: %v", p)
	}
}

func TestDeviceCancel(t *testing.T) {
	s := sandbox(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	_, p := SignInDevice(ctx, config(s), func(*DeviceCode) { time.AfterFunc(300*time.Millisecond, cancel) })
	if p == nil || p.Code != "oauth.canceled" {
		t.Errorf("cancel: %v", p)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
}

// TestDevicePollingRules: pending keeps polling, slow_down adds 5 s to the
// interval (RFC 8628), and a code past its lifetime ends without a request.
func TestDevicePollingRules(t *testing.T) {
	var polls atomic.Int32
	var mu sync.Mutex
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if strings.HasSuffix(r.URL.Path, "/devicecode") {
			fmt.Fprint(w, `{"user_code":"ABC","device_code":"dc-secret","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":1}`)
			return
		}
		if r.PostForm.Get("grant_type") != DeviceGrant || r.PostForm.Get("device_code") != "dc-secret" {
			t.Errorf("poll form %v", r.PostForm)
		}
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch polls.Add(1) {
		case 1:
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"authorization_pending","error_codes":[70016]}`)
		case 2:
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"slow_down"}`)
		default:
			fmt.Fprint(w, `{"access_token":"at","refresh_token":"rt","expires_in":3600}`)
		}
	}))
	defer srv.Close()
	cfg := &Config{Authority: srv.URL, Tenant: "t", ClientID: "c", Scopes: []string{"s"}}
	tok, p := SignInDevice(context.Background(), cfg, nil)
	if p != nil || tok.AccessToken != "at" || polls.Load() != 3 {
		t.Fatalf("%v %v after %d polls", tok, p, polls.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if gap := times[2].Sub(times[1]); gap < 5*time.Second {
		t.Errorf("slow_down ignored: next poll after %v", gap)
	}
	d := &DeviceCode{deviceCode: "x", Interval: 10 * time.Millisecond, Expires: time.Now()}
	before := polls.Load()
	if _, p := PollDevice(context.Background(), cfg, d); p == nil || p.Code != "entra.aadsts.70019" {
		t.Errorf("expired: %v", p)
	}
	if polls.Load() != before {
		t.Error("polled with an expired code")
	}
}
