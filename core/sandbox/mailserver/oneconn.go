package mailserver

import (
	"net"
	"sync"
)

// oneConnListener hands a single, already accepted (and wrapped) connection
// to a library server's Serve, and then waits until that connection closes.
type oneConnListener struct {
	c    net.Conn
	once sync.Once
	done chan struct{}
	used bool
	mu   sync.Mutex
}

type notifyConn struct {
	net.Conn
	once sync.Once
	done chan struct{}
}

func (n *notifyConn) Close() error {
	n.once.Do(func() { close(n.done) })
	return n.Conn.Close()
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if !l.used {
		l.used = true
		l.mu.Unlock()
		return &notifyConn{Conn: l.c, done: l.done}, nil
	}
	l.mu.Unlock()
	<-l.done
	return nil, net.ErrClosed
}

func (l *oneConnListener) Close() error {
	l.once.Do(func() {})
	return nil
}

func (l *oneConnListener) Addr() net.Addr { return l.c.LocalAddr() }
