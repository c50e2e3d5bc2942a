package redact

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	Add("registered-secret-value")
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4eHh4In0.c2lnbmF0dXJlLXZhbHVl"
	blob := base64.StdEncoding.EncodeToString([]byte("user=a@b.de\x01auth=Bearer abcdefgh\x01\x01"))
	cases := map[string]string{
		"x registered-secret-value y":                                     "registered-secret-value",
		"A01 AUTHENTICATE XOAUTH2 " + blob:                                blob,
		"Authorization: Bearer opaque.tok3n-x":                            "opaque.tok3n-x",
		"token " + jwt:                                                    jwt,
		"grant_type=refresh_token&refresh_token=0.AXEAsecretpart&scope=x": "0.AXEAsecretpart",
		`{"access_token":"abc123secret","expires_in":3599}`:               "abc123secret",
		"code=M.C5_BAY.2.U.secretcode&state=s":                            "M.C5_BAY.2.U.secretcode",
	}
	for in, secret := range cases {
		out := String(in)
		if strings.Contains(out, secret) {
			t.Errorf("secret survived: %q -> %q", in, out)
		}
		if !strings.Contains(out, Mask) {
			t.Errorf("no mask in %q", out)
		}
	}
	if got := String("A01 OK AUTHENTICATE completed."); got != "A01 OK AUTHENTICATE completed." {
		t.Errorf("plain text changed: %q", got)
	}
}

func TestWriter(t *testing.T) {
	Add("another-secret-123")
	var b bytes.Buffer
	w := NewWriter(&b)
	n, err := w.Write([]byte("x another-secret-123"))
	if err != nil || n != 20 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	if err := w.Flush(); err != nil || strings.Contains(b.String(), "another-secret") || b.String() != "x "+Mask+"\n" {
		t.Errorf("err=%v out=%q", err, b.String())
	}
}

// TestWriterSplitSecret: a secret that arrives in two Write calls is still
// masked — registered ones and those found by their shape alike.
func TestWriterSplitSecret(t *testing.T) {
	Add("split-registered-secret-4711")
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4eHh4In0.c2lnbmF0dXJlLXZhbHVl"
	for _, secret := range []string{"split-registered-secret-4711", jwt} {
		for cut := 1; cut < len(secret); cut += 5 {
			var b bytes.Buffer
			w := NewWriter(&b)
			w.Write([]byte("C: A01 AUTHENTICATE " + secret[:cut]))
			w.Write([]byte(secret[cut:] + "\r\nS: A01 OK\r\n"))
			w.Flush()
			if strings.Contains(b.String(), secret[:cut]+secret[cut:]) || strings.Contains(b.String(), secret[cut:]) && cut < len(secret)-8 {
				t.Fatalf("cut %d: secret survived: %q", cut, b.String())
			}
			if !strings.Contains(b.String(), Mask) || !strings.Contains(b.String(), "S: A01 OK") {
				t.Fatalf("cut %d: %q", cut, b.String())
			}
		}
	}
}

// TestRegistryBounded: a long-running window registers new tokens all day;
// the registry keeps at most MaxSecrets, dropping the least recently used,
// and a secret that is registered again on use stays.
func TestRegistryBounded(t *testing.T) {
	Add("client-secret-in-use")
	for i := 0; i < 20*MaxSecrets; i++ {
		Add(fmt.Sprintf("access-token-%08d", i))
		if i%100 == 0 {
			Add("client-secret-in-use")
		}
	}
	mu.Lock()
	n, m := order.Len(), len(secrets)
	mu.Unlock()
	if n > MaxSecrets || m > MaxSecrets {
		t.Errorf("registry holds %d/%d secrets, bound %d", n, m, MaxSecrets)
	}
	if got := String("x client-secret-in-use y"); got != "x "+Mask+" y" {
		t.Errorf("secret in use dropped: %q", got)
	}
	last := fmt.Sprintf("access-token-%08d", 20*MaxSecrets-1)
	if got := String(last); got != Mask {
		t.Errorf("newest secret not masked: %q", got)
	}
}
