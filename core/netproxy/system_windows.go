//go:build windows

package netproxy

import (
	"net/http"
	"net/url"

	"github.com/mattn/go-ieproxy"
)

// systemProxy is the Windows proxy configuration (Settings → Network →
// Proxy, or Internet Options, or a GPO): a fixed proxy with its bypass
// list, a PAC script, or WPAD; Windows finds and evaluates the script.
var systemProxy = func() func(*http.Request) (*url.URL, error) {
	conf := ieproxy.GetConf()
	if !conf.Automatic.Active && !conf.Static.Active {
		return nil
	}
	return ieproxy.GetProxyFunc()
}
