package certs

import (
	"crypto/tls"
	"net"
	"testing"
)

func TestCAHandshake(t *testing.T) {
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ca.ServerTLS()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srv)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	cfg := ca.ClientTLS()
	cfg.ServerName = "localhost"
	c, err := tls.Dial("tcp", ln.Addr().String(), cfg)
	if err != nil {
		t.Fatalf("trusted handshake failed: %v", err)
	}
	c.Close()

	// A client that does not trust the CA must fail: the sandbox never
	// weakens verification.
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	if c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{ServerName: "localhost"}); err == nil {
		c.Close()
		t.Fatal("untrusted CA accepted")
	}
	_ = net.IPv4len
}
