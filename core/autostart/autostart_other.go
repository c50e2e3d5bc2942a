//go:build !windows && !(linux || freebsd || openbsd || netbsd)

package autostart

import "mailoauth/core/status"

func unsupported() *status.Problem { return status.New(status.Yellow, "autostart.unsupported") }

// macOS would need a login item (SMAppService) or a LaunchAgent; neither
// is written yet, so the setting says it is not offered rather than
// claiming a start that never happens.
func enable(string, []string) *status.Problem    { return unsupported() }
func disable() *status.Problem                   { return nil }
func enabled() ([]string, bool, *status.Problem) { return nil, false, nil }
func offered() *status.Problem                   { return unsupported() }
