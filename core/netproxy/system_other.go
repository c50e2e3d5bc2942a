//go:build !windows

package netproxy

import (
	"net/http"
	"net/url"
)

// systemProxy: outside Windows the environment is the system's setting
// (desktop environments export HTTPS_PROXY); macOS's own settings would
// need cgo, which the command line must stay without.
var systemProxy = func() func(*http.Request) (*url.URL, error) { return nil }
