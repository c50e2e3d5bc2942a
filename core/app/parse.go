package app

import (
	"strconv"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/status"
)

// ParseTimeout reads a --timeout value ("30s", "5m"); "" is 0, the
// operation's default.
func ParseTimeout(v string) (time.Duration, *status.Problem) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, status.New(status.Red, "cli.bad_duration", "value", v)
	}
	return d, nil
}

// DefaultParallel bounds the connections of a check run.
const DefaultParallel = 64

// ParseParallel reads --parallel: 1 to 1000; "" is 0, the operation's
// default (like ParseTimeout): a check run bounds connections
// (DefaultParallel), the watcher accounts (fewer, each opens up to three).
func ParseParallel(v string) (int, *status.Problem) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, status.New(status.Red, "cli.bad_parallel", "value", v)
	}
	return n, nil
}

// ParseRefreshTokenBytes reads the sandbox's --refresh-token-bytes: how
// long its refresh tokens are, to test the keyring's limits.
func ParseRefreshTokenBytes(v string) (int, *status.Problem) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 16 || n > MaxRefreshTokenBytes {
		return 0, status.New(status.Red, "cli.sandbox.refresh_token_bytes", "value", v, "max", strconv.Itoa(MaxRefreshTokenBytes))
	}
	return n, nil
}

// ParseClientSecret reads a client secret as pasted: trimmed, bounded in
// length, no control characters.
func ParseClientSecret(in string) (string, *status.Problem) { return account.ParseClientSecret(in) }
