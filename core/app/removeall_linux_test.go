package app

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestRemoveAllWritesTheAccountsOnce: "remove all data" of many accounts
// reads the account list once and replaces the accounts file once, not
// once per account (each replace is a locked read, a write and two fsyncs:
// seconds for the hundreds of accounts the window is made for). Linux
// only: inotify counts the replaces.
func TestRemoveAllWritesTheAccountsOnce(t *testing.T) {
	sb, s, _ := sandboxService(t, nil)
	ctx := context.Background()
	const n = 12
	for i := range n {
		if _, probs := s.Add(ctx, input(sb, fmt.Sprintf("k%02d", i), fmt.Sprintf("u%d@contoso.example", i)), ""); len(probs) > 0 {
			t.Fatal(probs)
		}
	}
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		t.Skip("no inotify:", err)
	}
	defer unix.Close(fd)
	if _, err := unix.InotifyAddWatch(fd, s.ConfigDir(), unix.IN_MOVED_TO); err != nil {
		t.Fatal(err)
	}
	if p := s.RemoveAll(ctx); p != nil {
		t.Fatal(p)
	}
	writes := 0
	buf := make([]byte, 64<<10)
	for {
		m, err := unix.Read(fd, buf)
		if m <= 0 || err != nil {
			break
		}
		for off := 0; off+unix.SizeofInotifyEvent <= m; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			name := buf[off+unix.SizeofInotifyEvent : off+unix.SizeofInotifyEvent+int(ev.Len)]
			if string(bytes.TrimRight(name, "\x00")) == "accounts.json" {
				writes++
			}
			off += unix.SizeofInotifyEvent + int(ev.Len)
		}
	}
	if writes != 1 {
		t.Errorf("remove all of %d accounts replaced the accounts file %d times, want 1", n, writes)
	}
	if list, _ := s.Accounts(); len(list) != 0 {
		t.Errorf("accounts left: %d", len(list))
	}
}
