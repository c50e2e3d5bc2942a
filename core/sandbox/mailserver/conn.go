package mailserver

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// wconn adds the sandbox's behaviours to a connection: a delay before every
// reply, and stalling — once stalled, writes wait until the connection is
// closed, as a server that hangs would.
type wconn struct {
	net.Conn
	delay      time.Duration
	stalled    atomic.Bool
	writesLeft atomic.Int32 // stall after this many more writes (<0: never)
	done       chan struct{}
	stop       <-chan struct{} // the server's: closing the server ends stalls
	closeOnce  sync.Once
}

func newConn(c net.Conn, delay time.Duration, stop <-chan struct{}) *wconn {
	w := &wconn{Conn: c, delay: delay, done: make(chan struct{}), stop: stop}
	w.writesLeft.Store(-1)
	return w
}

func (w *wconn) stallAfter(n int32) { w.writesLeft.Store(n) }
func (w *wconn) stall()             { w.stalled.Store(true) }

func (w *wconn) Write(p []byte) (int, error) {
	if n := w.writesLeft.Load(); n == 0 {
		w.stalled.Store(true)
	} else if n > 0 {
		w.writesLeft.Add(-1)
	}
	if w.stalled.Load() {
		select {
		case <-w.done:
		case <-w.stop:
		}
		return 0, net.ErrClosed
	}
	if w.delay > 0 {
		select {
		case <-time.After(w.delay):
		case <-w.done:
			return 0, net.ErrClosed
		case <-w.stop:
			return 0, net.ErrClosed
		}
	}
	return w.Conn.Write(p)
}

func (w *wconn) Close() error {
	w.closeOnce.Do(func() { close(w.done) })
	return w.Conn.Close()
}

// accept runs the accept loop of one protocol. A silent fault holds the TCP
// connection open and never answers (on a TLS port the handshake then never
// completes); everything else goes to handle.
func (s *Server) accept(ln net.Listener, proto string, implicitTLS bool, handle func(c *wconn)) {
	go func() {
		for {
			raw, err := ln.Accept()
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				select {
				case <-s.stop:
					return
				default:
					continue
				}
			}
			if !s.track(raw) {
				continue
			}
			go func() {
				defer s.untrack(raw)
				defer raw.Close()
				f := s.fault(proto)
				if f == FaultSilent {
					select {
					case <-s.stop:
					case <-waitClosed(raw):
					}
					return
				}
				var c net.Conn = raw
				if implicitTLS {
					tc := tls.Server(raw, s.tlsFor(f))
					c = tc
					if f == FaultStallAfterTLS {
						// Finish the handshake now; the greeting that
						// would follow never comes.
						ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
						err := tc.HandshakeContext(ctx)
						cancel()
						if err != nil {
							return
						}
					}
				}
				w := newConn(c, s.opts.ReplyDelay, s.stop)
				switch {
				case f == FaultStallAfterGreeting, f == FaultStallAfterTLS && !implicitTLS:
					w.stallAfter(1)
				case f == FaultStallAfterTLS:
					w.stall()
				}
				handle(w)
				w.Close()
			}()
		}
	}()
}

// tlsFor returns the server TLS config; FaultOldTLS offers only TLS 1.0/1.1
// like a legacy server, so a TLS 1.2 client must refuse it.
func (s *Server) tlsFor(f Fault) *tls.Config {
	cfg := s.opts.TLS.Clone()
	if f == FaultOldTLS {
		cfg.MinVersion = tls.VersionTLS10
		cfg.MaxVersion = tls.VersionTLS11
	}
	return cfg
}

// waitClosed returns a channel closed when the peer closes the connection.
func waitClosed(c net.Conn) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				close(ch)
				return
			}
		}
	}()
	return ch
}
