package mailserver

import (
	"encoding/base64"
	"errors"
	"strings"
)

// parseXOAUTH2 reads "user=<u>\x01auth=Bearer <t>\x01\x01".
func parseXOAUTH2(b []byte) (user, token string, err error) {
	s := string(b)
	if !strings.HasSuffix(s, "\x01\x01") {
		return "", "", errors.New("malformed XOAUTH2")
	}
	for _, kv := range strings.Split(strings.TrimSuffix(s, "\x01\x01"), "\x01") {
		switch {
		case strings.HasPrefix(kv, "user="):
			user = kv[5:]
		case strings.HasPrefix(kv, "auth="):
			a := kv[5:]
			if len(a) < 7 || !strings.EqualFold(a[:7], "bearer ") {
				return "", "", errors.New("malformed XOAUTH2 auth")
			}
			token = a[7:]
		}
	}
	if user == "" || token == "" {
		return "", "", errors.New("malformed XOAUTH2")
	}
	return user, token, nil
}

// errorChallenge is the RFC 7628-style JSON a server sends before failing.
func errorChallenge(scope string) []byte {
	return []byte(`{"status":"401","schemes":"bearer","scope":"` + scope + `"}`)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
