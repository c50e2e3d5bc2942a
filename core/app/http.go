package app

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"time"

	"mailoauth/core/netproxy"
)

// NewHTTPClient is the one client for the identity platform: the proxy of
// core/netproxy (HTTPS_PROXY/NO_PROXY, else the Windows settings), TLS 1.2
// at least, verification always on. Every use case of both front ends goes through it, so a proxy
// that works for the CLI works for the window.
func NewHTTPClient(roots *x509.CertPool) *http.Client {
	tr := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       60 * time.Second,
	}
	netproxy.Configure(tr)
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}
