package results

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newStore(t *testing.T) (*Store, *clock) {
	c := &clock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	s := Open(t.TempDir())
	s.Now = c.now
	return s, c
}

func run(name string, levels map[string]status.Level, probs map[string]*status.Problem) []status.Result {
	var rs []status.Result
	for _, p := range []string{"imap", "pop3", "smtp"} {
		l, ok := levels[p]
		if !ok {
			l = status.Grey
		}
		rs = append(rs, status.Result{Account: name, Protocol: p, Level: l, Problem: probs[p], Duration: 120 * time.Millisecond})
	}
	return rs
}

func green(name string) []status.Result {
	return run(name, map[string]status.Level{"imap": status.Green, "pop3": status.Green, "smtp": status.Green}, nil)
}

func TestRecordChangesAndRedSince(t *testing.T) {
	s, c := newStore(t)
	ch, p := s.Record(append(green("a"), green("b")...))
	if p != nil || len(ch) != 2 || ch[0].Kind != First || ch[0].New != status.Green || ch[0].Old != status.Grey {
		t.Fatalf("first run: %+v %v", ch, p)
	}
	// Unchanged: no change reported.
	c.t = c.t.Add(15 * time.Minute)
	if ch, _ := s.Record(green("a")); len(ch) != 0 {
		t.Fatalf("unchanged light reported: %+v", ch)
	}
	// a turns red through SMTP; the worst problem is SMTP's and renders in
	// both languages from the stored code and parameters.
	c.t = c.t.Add(15 * time.Minute)
	redAt := c.t
	bad := status.New(status.Red, "account.store.not_found", "name", "a").WithDetail("535 5.7.139 Authentication unsuccessful")
	ch, _ = s.Record(run("a", map[string]status.Level{"imap": status.Yellow, "pop3": status.Green, "smtp": status.Red},
		map[string]*status.Problem{"imap": status.New(status.Yellow, "common.ok"), "smtp": bad}))
	if len(ch) != 1 || ch[0].Kind != Worse || ch[0].Old != status.Green || ch[0].New != status.Red || !ch[0].Notify() {
		t.Fatalf("worse: %+v", ch)
	}
	if ch[0].Problem == nil || ch[0].Problem.Protocol != "smtp" || ch[0].Problem.Code != "account.store.not_found" {
		t.Fatalf("worst problem: %+v", ch[0].Problem)
	}
	// Read back by a second store on the same folder (another process).
	e, _ := Open(s.dir).Get("a")
	if e.Light() != status.Red || !e.RedSince.Equal(redAt) || !e.Since.Equal(redAt) || e.Before != status.Green {
		t.Fatalf("entry: %+v", e)
	}
	if e.Protocols["imap"].Level != status.Yellow || e.Protocols["smtp"].DurationMS != 120 {
		t.Errorf("protocols: %+v", e.Protocols)
	}
	sp := e.Problem.Status()
	if sp.Message(i18n.DE) != `Es gibt kein Konto namens „a“.` || sp.Message(i18n.EN) != `There is no account named "a".` || sp.Detail == "" {
		t.Errorf("stored problem renders %q / %q", sp.Message(i18n.DE), sp.Message(i18n.EN))
	}
	// Still red later: RedSince stays, no change.
	c.t = c.t.Add(time.Hour)
	ch, _ = s.Record(run("a", map[string]status.Level{"imap": status.Red}, map[string]*status.Problem{"imap": bad}))
	e, _ = s.Get("a")
	if len(ch) != 0 || !e.RedSince.Equal(redAt) || !e.CheckedAt.Equal(c.t) {
		t.Fatalf("still red: %+v %+v", ch, e)
	}
	// Red → yellow is better and does not notify; RedSince is cleared.
	ch, _ = s.Record(run("a", map[string]status.Level{"imap": status.Yellow}, map[string]*status.Problem{"imap": status.New(status.Yellow, "common.ok")}))
	e, _ = s.Get("a")
	if len(ch) != 1 || ch[0].Kind != Better || ch[0].Notify() || !e.RedSince.IsZero() || e.Before != status.Red {
		t.Fatalf("better: %+v %+v", ch, e)
	}
	// Muted: a worse light does not notify; Record marks it from the
	// accounts it is given (the manual check and the watcher alike).
	if (Change{Kind: Worse, Muted: true}).Notify() {
		t.Error("a muted change notifies")
	}
	ch, _ = s.Record(run("a", map[string]status.Level{"imap": status.Red}, map[string]*status.Problem{"imap": bad}),
		account.Account{Name: "other"}, account.Account{Name: "a", Muted: true})
	if len(ch) != 1 || ch[0].Kind != Worse || !ch[0].Muted || ch[0].Notify() {
		t.Fatalf("muted worse: %+v", ch)
	}
}

func TestCanceledRunKeepsTheOldResult(t *testing.T) {
	s, _ := newStore(t)
	s.Record(green("a"))
	for _, code := range []string{"mailcheck.canceled", "oauth.canceled", "account.lock.busy"} {
		ch, p := s.Record(run("a", map[string]status.Level{"imap": status.Yellow, "pop3": status.Green},
			map[string]*status.Problem{"imap": status.New(status.Yellow, code)}))
		e, _ := s.Get("a")
		if p != nil || len(ch) != 0 || e.Light() != status.Green {
			t.Errorf("%s: recorded %+v, light %s", code, ch, e.Light())
		}
	}
}

func TestNoSecretInFile(t *testing.T) {
	s, _ := newStore(t)
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbm5hQGNvbnRvc28uY29tIn0.c2lnbmF0dXJl"
	s.Record(run("a", map[string]status.Level{"imap": status.Red},
		map[string]*status.Problem{"imap": status.New(status.Red, "common.ok", "x", "Bearer "+jwt).WithDetail("A01 NO token " + jwt)}))
	data, _ := os.ReadFile(filepath.Join(s.dir, "results.json"))
	if strings.Contains(string(data), jwt) || !strings.Contains(string(data), "A01 NO token") {
		t.Errorf("file: %s", data)
	}
}

func TestCorruptFileMovedAside(t *testing.T) {
	s, _ := newStore(t)
	os.MkdirAll(s.dir, 0o700)
	os.WriteFile(filepath.Join(s.dir, "results.json"), []byte("{not json"), 0o600)
	m, p := s.Load()
	if p == nil || p.Code != "results.corrupt" || p.Level != status.Yellow || len(m) != 0 {
		t.Fatalf("load: %v %v", m, p)
	}
	aside, _ := filepath.Glob(filepath.Join(s.dir, "results.json.corrupt-*"))
	if len(aside) != 1 {
		t.Fatalf("aside: %v", aside)
	}
	if b, _ := os.ReadFile(aside[0]); string(b) != "{not json" {
		t.Errorf("aside content %q", b)
	}
	// Recording works again afterwards.
	if ch, p := s.Record(green("a")); p != nil || len(ch) != 1 {
		t.Fatalf("record after corrupt: %v %v", ch, p)
	}
	os.WriteFile(filepath.Join(s.dir, "results.json"), []byte(`{"schema": 99, "accounts": {}}`), 0o600)
	if _, p := s.Record(green("a")); p == nil || p.Code != "results.newer" {
		t.Fatalf("newer file overwritten: %v", p)
	}
}

// Writers in parallel (each its own Store, as separate processes would be)
// lose nothing: every account recorded by any of them is in the file.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := Open(dir)
			for i := 0; i < 10; i++ {
				if _, p := s.Record(green(fmt.Sprintf("w%d-%d", w, i))); p != nil {
					t.Error(p)
				}
			}
		}(w)
	}
	wg.Wait()
	m, p := Open(dir).Load()
	if p != nil || len(m) != 40 {
		t.Fatalf("%d entries, %v", len(m), p)
	}
}

func TestWorstSkipsMutedAndRemoved(t *testing.T) {
	s, _ := newStore(t)
	s.Record(green("a"))
	s.Record(run("b", map[string]status.Level{"imap": status.Red}, nil))
	s.Record(run("gone", map[string]status.Level{"imap": status.Red}, nil))
	m, _ := s.Load()
	accts := []account.Account{{Name: "a"}, {Name: "b"}, {Name: "new"}}
	if w := Worst(m, accts); w != status.Red {
		t.Errorf("worst %s", w)
	}
	accts[1].Muted = true
	if w := Worst(m, accts); w != status.Green {
		t.Errorf("worst with b muted %s", w)
	}
	if p := s.Forget("b"); p != nil {
		t.Fatal(p)
	}
	if e, _ := s.Get("b"); e.Light() != status.Grey {
		t.Errorf("forgotten b: %+v", e)
	}
	if p := s.RemoveAll(); p != nil {
		t.Fatal(p)
	}
	if _, err := os.Stat(filepath.Join(s.dir, "results.json")); !os.IsNotExist(err) {
		t.Errorf("results.json still there: %v", err)
	}
}
