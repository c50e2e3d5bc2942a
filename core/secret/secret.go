// Package secret keeps refresh tokens and client secrets in the operating
// system's keyring — and nowhere else: there is deliberately no plain-file
// fallback. Values longer than the Windows Credential Manager limit are split
// over several entries and joined back.
package secret

import (
	"context"
	"errors"

	"mailoauth/core/status"
)

// ErrNotFound is returned by Get for a key that holds nothing.
var ErrNotFound = errors.New("secret: not found")

// Store holds secrets by key.
type Store interface {
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string) error
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// RefreshTokenKey is where an account's refresh token lives.
func RefreshTokenKey(account string) string { return "account/" + account + "/refresh_token" }

// AccessTokenKey is where an account's current access token lives, with
// its expiry, so that processes share it for its lifetime.
func AccessTokenKey(account string) string { return "account/" + account + "/access_token" }

// SignInRefreshTokenKey is where the refresh token of a sign-in that
// several accounts share (one delegate, many mailboxes) lives.
func SignInRefreshTokenKey(signIn string) string { return "signin/" + signIn + "/refresh_token" }

// SignInAccessTokenKey is where that sign-in's current access tokens live.
func SignInAccessTokenKey(signIn string) string { return "signin/" + signIn + "/access_token" }

// ClientSecretKey is where an account's client secret lives.
func ClientSecretKey(account string) string { return "account/" + account + "/client_secret" }

// DeleteAccount removes every secret kept under an account's name (a
// sign-in shared with other accounts is the token layer's to remove).
func DeleteAccount(ctx context.Context, s Store, account string) error {
	var errs []error
	for _, k := range []string{RefreshTokenKey(account), AccessTokenKey(account), ClientSecretKey(account)} {
		if err := s.Delete(ctx, k); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// IsNotFound reports whether err means "nothing stored".
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func problem(code string, err error) *status.Problem {
	p := status.New(status.Red, code)
	if err != nil {
		p.Wrap(err).WithDetail(err.Error())
	}
	return p
}
