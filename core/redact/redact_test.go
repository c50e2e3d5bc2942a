package redact

import (
	"bytes"
	"encoding/base64"
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
	n, err := Writer{&b}.Write([]byte("x another-secret-123"))
	if err != nil || n != 20 || strings.Contains(b.String(), "another-secret") {
		t.Errorf("n=%d err=%v out=%q", n, err, b.String())
	}
}
