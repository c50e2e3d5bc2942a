// Package instance keeps one window per config folder: a second start of
// the program asks the running one to come to the front and ends, instead
// of opening a second window that checks the same accounts beside it.
//
// The running instance holds a lock file (the operating system drops it
// when the process dies, so a crash leaves nothing stale) and listens on a
// loopback port, which it writes with a random token into the config
// folder; a second start finds the lock taken, reads the port and sends
// the token with "show". The token keeps other local users' programs from
// poking the window; it opens nothing else.
package instance

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"mailoauth/core/filelock"
)

const fileName = "instance"

// ErrUnreachable: another instance holds the lock but does not answer
// (it is starting or hangs). The caller may start anyway.
var ErrUnreachable = errors.New("the running instance does not answer")

// Claim makes this process the instance of the config folder dir. first
// is true when it is; onShow then runs (on its own goroutine) each time a
// later start asks for the window, until release. When another instance
// runs, it has been asked to show itself and first is false.
func Claim(dir string, onShow func()) (release func(), first bool, err error) {
	rel, err := filelock.TryLock(filepath.Join(dir, "locks", "instance.lock"))
	if err != nil {
		return nil, false, err
	}
	if rel == nil {
		return nil, false, ask(dir)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		rel()
		return nil, false, err
	}
	tok := make([]byte, 16)
	_, _ = rand.Read(tok)
	token := hex.EncodeToString(tok)
	data := fmt.Sprintf("%d %s\n", ln.Addr().(*net.TCPAddr).Port, token)
	if err := os.WriteFile(filepath.Join(dir, fileName), []byte(data), 0o600); err != nil {
		ln.Close()
		rel()
		return nil, false, err
	}
	go serve(ln, token, onShow)
	return func() {
		ln.Close()
		_ = os.Remove(filepath.Join(dir, fileName))
		rel()
	}, true, nil
}

func serve(ln net.Listener, token string, onShow func()) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(2 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil || strings.TrimSpace(line) != token+" show" {
				return
			}
			_, _ = c.Write([]byte("ok\n"))
			if onShow != nil {
				onShow()
			}
		}()
	}
}

// ask tells the running instance to show its window. The instance may
// have taken the lock a moment ago and not yet written its port: try for
// a few seconds.
func ask(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for {
		if err := askOnce(ctx, dir); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ErrUnreachable
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func askOnce(ctx context.Context, dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, fileName))
	if err != nil {
		return err
	}
	var port int
	var token string
	if _, err := fmt.Sscanf(string(data), "%d %s", &port, &token); err != nil {
		return err
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(token + " show\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ok" {
		return ErrUnreachable
	}
	return nil
}
