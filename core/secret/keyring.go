package secret

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"mailoauth/core/status"
)

// Service is the keyring service name of every entry mailoauth writes.
const Service = "mailoauth"

// DefaultTimeout bounds one keyring call when the caller's ctx has none.
var DefaultTimeout = 20 * time.Second

// Keyring is the OS keyring: Credential Manager on Windows, Keychain on
// macOS, Secret Service (GNOME Keyring, KWallet) on Linux.
type Keyring struct {
	sp splitter
}

// NewKeyring returns the OS keyring store. Values are split at the Windows
// limit on every OS, so an entry written on one works the same everywhere.
func NewKeyring() *Keyring {
	return &Keyring{sp: splitter{b: osBackend{}, service: Service, chunk: WindowsLimit}}
}

type osBackend struct{}

func (osBackend) get(service, user string) (string, error) {
	v, err := keyring.Get(service, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNotFound
	}
	return v, err
}

func (osBackend) set(service, user, value string) error { return keyring.Set(service, user, value) }

func (osBackend) del(service, user string) error {
	err := keyring.Delete(service, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// Get returns the secret under key, or ErrNotFound.
func (k *Keyring) Get(ctx context.Context, key string) (string, error) {
	v, err := run(ctx, func() (string, error) { return k.sp.get(key) })
	return v, classify(err)
}

// Set stores value under key.
func (k *Keyring) Set(ctx context.Context, key, value string) error {
	_, err := run(ctx, func() (struct{}, error) { return struct{}{}, k.sp.set(key, value) })
	return classify(err)
}

// Delete removes key and its parts.
func (k *Keyring) Delete(ctx context.Context, key string) error {
	_, err := run(ctx, func() (struct{}, error) { return struct{}{}, k.sp.del(key) })
	return classify(err)
}

// classify turns keyring errors into problems a user can act on. The raw
// text goes into Detail; a secret value never reaches an error.
func classify(err error) error {
	if err == nil || errors.Is(err, ErrNotFound) {
		return err
	}
	if _, ok := status.AsProblem(err); ok {
		return err
	}
	msg := err.Error()
	switch {
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return problem("secret.too_large", err)
	case strings.Contains(msg, "dbus-launch"),
		strings.Contains(msg, "was not provided by any .service files"),
		strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"),
		strings.Contains(msg, "connect: no such file or directory"),
		strings.Contains(msg, "connection refused"),
		strings.Contains(msg, "dial unix"),
		errors.Is(err, keyring.ErrUnsupportedPlatform):
		return problem("secret.unavailable", err)
	case strings.Contains(msg, "failed to unlock"), strings.Contains(msg, "locked"), strings.Contains(msg, "dismissed"):
		return problem("secret.locked", err)
	}
	return problem("secret.failed", err)
}
