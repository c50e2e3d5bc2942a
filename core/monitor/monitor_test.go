package monitor

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

func res(acct, proto string, l status.Level, code string, ms int) status.Result {
	r := status.Result{Account: acct, Protocol: proto, Level: l, Duration: time.Duration(ms) * time.Millisecond}
	if code != "" {
		r.Problem = status.New(l, code)
	}
	return r
}

// perfItem is one performance value of the plugin convention:
// 'label'=value[UOM];[warn];[crit];[min];[max]
var perfItem = regexp.MustCompile(`^'[A-Za-z0-9_.-]+'=[0-9]+ms;;;0$`)

func TestNagiosStates(t *testing.T) {
	green := res("buchhaltung", "imap", status.Green, "", 123)
	for _, c := range []struct {
		name    string
		results []status.Result
		fault   *status.Problem
		state   string
		code    int
	}{
		{"all green", []status.Result{green, res("buchhaltung", "smtp", status.Green, "", 80)}, nil, "OK", OK},
		{"grey ignored", []status.Result{green, res("buchhaltung", "pop3", status.Grey, "", 0)}, nil, "OK", OK},
		{"yellow", []status.Result{green, res("info", "imap", status.Yellow, "tokens.not_authorized", 1)}, nil, "WARNING", Warning},
		{"red beats yellow", []status.Result{res("a", "imap", status.Yellow, "tokens.not_authorized", 1), res("b", "smtp", status.Red, "mailcheck.smtp.auth_disabled_mailbox", 5)}, nil, "CRITICAL", Critical},
		{"keyring unreachable", []status.Result{res("a", "imap", status.Red, "secret.unavailable", 1), res("b", "smtp", status.Red, "mailcheck.smtp.auth_disabled_mailbox", 5)}, nil, "UNKNOWN", Unknown},
		{"keyring locked", []status.Result{res("a", "imap", status.Yellow, "secret.locked", 1)}, nil, "UNKNOWN", Unknown},
		{"config unreadable", nil, status.New(status.Red, "account.store.read", "path", "/x/accounts.json"), "UNKNOWN", Unknown},
		{"nothing checked", []status.Result{res("a", "imap", status.Grey, "", 0)}, nil, "UNKNOWN", Unknown},
	} {
		out, code := Nagios(c.results, c.fault, i18n.EN)
		first := strings.SplitN(out, "\n", 2)[0]
		if code != c.code || !strings.HasPrefix(first, "MAILOAUTH "+c.state+" - ") {
			t.Errorf("%s: exit %d, first line %q; want %s (%d)", c.name, code, first, c.state, c.code)
		}
		if strings.Count(first, "|") > 1 {
			t.Errorf("%s: more than one '|' in %q", c.name, first)
		}
		if _, perf, ok := strings.Cut(first, " | "); ok {
			for _, item := range strings.Fields(perf) {
				if !perfItem.MatchString(item) {
					t.Errorf("%s: bad performance value %q", c.name, item)
				}
			}
		}
	}
}

func TestNagiosTextAndPerfData(t *testing.T) {
	results := []status.Result{
		res("Konto 1", "imap", status.Green, "", 123),
		res("Konto_1", "imap", status.Green, "", 7), // same label once sanitised
		res("konto'=x", "smtp", status.Red, "mailcheck.smtp.auth_disabled_mailbox", 45),
		res("konto'=x", "pop3", status.Grey, "", 0),
	}
	out, code := Nagios(results, nil, i18n.DE)
	if code != Critical {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	first := lines[0]
	text, perf, _ := strings.Cut(first, " | ")
	if !strings.Contains(text, "1 rot, 0 gelb, 2 grün") || !strings.Contains(text, "konto'=x SMTP: ") {
		t.Errorf("summary: %q", text)
	}
	want := "'Konto_1_imap_ms'=123ms;;;0 'Konto_1_imap_2_ms'=7ms;;;0 'konto__x_smtp_ms'=45ms;;;0"
	if perf != want {
		t.Errorf("perf data\n got %q\nwant %q", perf, want)
	}
	// Long output: one line per checked result, with the fix for the red one.
	if len(lines) != 4 || !strings.HasPrefix(lines[3], "konto'=x SMTP CRITICAL: ") || !strings.Contains(lines[3], "Was tun") {
		t.Errorf("long output:\n%s", out)
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine("a\nb | c\r\n"); got != "a b / c" {
		t.Errorf("oneLine = %q", got)
	}
}

type fakeLog struct {
	entries []string
	fail    bool
}

func (f *fakeLog) add(kind string, id uint32, msg string) error {
	if f.fail {
		return errors.New("event log full")
	}
	f.entries = append(f.entries, kind+" "+string(rune('0'+id/100))+" "+msg)
	return nil
}
func (f *fakeLog) Info(id uint32, m string) error    { return f.add("info", id, m) }
func (f *fakeLog) Warning(id uint32, m string) error { return f.add("warning", id, m) }
func (f *fakeLog) Error(id uint32, m string) error   { return f.add("error", id, m) }

func TestEvents(t *testing.T) {
	results := []status.Result{
		res("b", "imap", status.Green, "", 10),
		res("b", "smtp", status.Red, "mailcheck.smtp.auth_disabled_mailbox", 20),
		res("a", "imap", status.Green, "", 30),
		res("c", "imap", status.Yellow, "tokens.not_authorized", 1),
		res("d", "imap", status.Red, "secret.unavailable", 1),
	}
	ev := Events(results, nil, i18n.EN)
	if len(ev) != 4 || ev[0].Account != "a" || ev[1].Account != "b" {
		t.Fatalf("events: %+v", ev)
	}
	if ev[1].ID != EventRed || !strings.Contains(ev[1].Text, "SMTP: ") || !strings.Contains(ev[1].Text, "What to do") || !strings.Contains(ev[1].Text, "IMAP: works (10 ms)") {
		t.Errorf("b: %+v", ev[1])
	}
	f := &fakeLog{}
	if err := WriteEvents(f, ev); err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, e := range f.entries {
		kinds = append(kinds, strings.Join(strings.Fields(e)[:2], " "))
	}
	if got := strings.Join(kinds, ","); got != "info 1,error 3,warning 2,warning 4" {
		t.Errorf("entry types: %s", got)
	}
	// With the last run's lights known, only changed accounts get an entry
	// (a fault of the program always does).
	ev = Events(results, map[string]bool{"b": true}, i18n.EN)
	var names []string
	for _, e := range ev {
		names = append(names, e.Account)
	}
	if strings.Join(names, ",") != "b,d" {
		t.Errorf("changed: %v", names)
	}
	if err := WriteEvents(&fakeLog{fail: true}, ev); err == nil {
		t.Error("a failing write was not reported")
	}
}
