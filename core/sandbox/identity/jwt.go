package identity

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"mailoauth/core/account"
)

// cloud is the cloud the sandbox plays: Microsoft's global one, with the
// resource, audiences and app-only scope of the one cloud table.
var cloud = account.GlobalCloud()

// sign makes an RS256 JWT like Entra's access tokens.
func (s *Server) sign(claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "RS256", "kid": "sandbox"})
	c, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(in))
	sig, _ := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, sum[:])
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func oid(user string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(user)))
	b := sum[:16]
	const hex = "0123456789abcdef"
	var out []byte
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[x>>4], hex[x&15])
	}
	return string(out)
}

// accessToken issues a delegated (user != "") or app-only token.
func (s *Server) accessToken(user, clientID, aud string, perms, roles []string) (string, time.Time) {
	now := s.opts.Now()
	exp := now.Add(s.opts.AccessTTL)
	claims := map[string]any{
		"aud": aud, "iss": "https://sts.windows.net/" + s.opts.TenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(),
		"tid": s.opts.TenantID, "appid": clientID, "ver": "1.0",
		// Real tokens carry a few hundred bytes of opaque claims; the padding
		// keeps our tokens the same size so size limits are exercised.
		"aio": randString(400), "uti": randString(22),
	}
	s.mu.Lock()
	s.serial++
	claims["xms_sbx"] = s.serial
	s.mu.Unlock()
	if user != "" {
		claims["upn"] = user
		claims["preferred_username"] = user
		claims["unique_name"] = user
		claims["name"] = strings.SplitN(user, "@", 2)[0]
		claims["oid"] = oid(user)
		claims["scp"] = strings.Join(perms, " ")
	} else {
		claims["oid"] = oid(clientID)
		claims["roles"] = roles
	}
	return s.sign(claims), exp
}

// Validate checks an access token the way Exchange Online would: signature,
// expiry, audience. The mail servers of the sandbox call it.
func (s *Server) Validate(token string) (Principal, error) {
	return s.ValidateFor(token)
}

// ValidateFor checks an access token for one of the audiences (the Graph
// stand-in asks for GraphResource); none given: the cloud's Exchange.
func (s *Server) ValidateFor(token string, audiences ...string) (Principal, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Principal{}, errors.New("not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return Principal{}, errors.New("bad signature encoding")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		return Principal{}, errors.New("bad signature")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return Principal{}, errors.New("bad payload")
	}
	var c struct {
		Aud   string   `json:"aud"`
		Exp   int64    `json:"exp"`
		N     int64    `json:"xms_sbx"`
		UPN   string   `json:"upn"`
		Scp   string   `json:"scp"`
		Roles []string `json:"roles"`
		AppID string   `json:"appid"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return Principal{}, errors.New("bad claims")
	}
	now := s.opts.Now()
	s.mu.Lock()
	cutoff := s.accessCutoff
	s.mu.Unlock()
	if now.Unix() >= c.Exp || c.N <= cutoff {
		return Principal{}, errors.New("token expired")
	}
	if audiences == nil && !cloud.AcceptsAudience(c.Aud) || audiences != nil && !contains(audiences, c.Aud) {
		return Principal{}, errors.New("wrong audience")
	}
	p := Principal{User: c.UPN, Roles: c.Roles, AppID: c.AppID, AppOnly: c.UPN == ""}
	if c.Scp != "" {
		p.Scopes = strings.Fields(c.Scp)
	}
	return p, nil
}

// IssueAccessToken hands out a delegated access token for user with the given
// permission names, without a sign-in: tests and the demo use it to talk to
// the mail servers directly. The token is listed in Issued.
func (s *Server) IssueAccessToken(user, clientID string, perms ...string) string {
	return s.IssueTokenFor(cloud.Resource, user, clientID, perms...)
}

// IssueTokenFor is IssueAccessToken for another audience (GraphResource).
func (s *Server) IssueTokenFor(audience, user, clientID string, perms ...string) string {
	at, _ := s.accessToken(user, clientID, audience, perms, nil)
	s.mu.Lock()
	s.remember(at)
	s.mu.Unlock()
	return at
}
