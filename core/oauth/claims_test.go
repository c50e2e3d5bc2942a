package oauth

import (
	"encoding/base64"
	"testing"
)

func jwtWith(payload string) string {
	return "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".sig"
}

func TestDecodeClaimsLoosely(t *testing.T) {
	c, err := DecodeClaims(jwtWith(`{"aud":"https://outlook.office365.com","roles":"IMAP.AccessAsApp SMTP.SendAsApp","exp":1.7e9,"appid":"x"}`))
	if err != nil || len(c.Roles) != 2 || c.Exp.Unix() != 1700000000 || c.AppID != "x" {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range []string{"", "a.b", "x.!!!.y", jwtWith("not json")} {
		if _, err := DecodeClaims(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
