package monitor

import (
	"fmt"
	"sort"
	"strings"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// EventSource is the name under which entries appear in the Windows
// Application log (Event Viewer's "Source" column).
const EventSource = "mailoauth"

// Event IDs, one per light, so that a task trigger or an alert rule can
// filter on them. The message file that `eventlog install` registers
// (Windows' EventCreate.exe) covers the IDs 1 to 1000.
const (
	EventGreen   uint32 = 100
	EventYellow  uint32 = 200
	EventRed     uint32 = 300
	EventUnknown uint32 = 400
)

// Event is one entry for the event log: the account's overall light and
// what each protocol said, with the fix.
type Event struct {
	Account string
	Level   status.Level // status.Grey also for a fault of the program
	ID      uint32
	Text    string
}

// EventWriter is where events go: golang.org/x/sys/windows/svc/eventlog's
// *Log has exactly these methods; tests use a fake.
type EventWriter interface {
	Info(id uint32, msg string) error
	Warning(id uint32, msg string) error
	Error(id uint32, msg string) error
}

// Events builds one entry per account in changed (the accounts whose
// overall light changed with this run; nil when that is not known, and then
// every account gets one), in account order. An account mailoauth could
// not check (keyring unreachable) gets one every run: its light says
// nothing, and the entry is how a scheduled task's owner learns of it.
func Events(results []status.Result, changed map[string]bool, lang i18n.Lang) []Event {
	byAccount := map[string][]status.Result{}
	var names []string
	for _, r := range results {
		if _, seen := byAccount[r.Account]; !seen {
			names = append(names, r.Account)
		}
		byAccount[r.Account] = append(byAccount[r.Account], r)
	}
	sort.Strings(names)
	var out []Event
	for _, name := range names {
		rs := byAccount[name]
		var levels []status.Level
		fault := false
		for _, r := range rs {
			levels = append(levels, r.Level)
			fault = fault || ProgramFault(r.Problem)
		}
		light := status.Worst(levels...)
		if changed != nil && !changed[name] && !fault {
			continue
		}
		e := Event{Account: name, Level: light}
		switch {
		case fault:
			e.ID = EventUnknown
		case light == status.Red:
			e.ID = EventRed
		case light == status.Yellow:
			e.ID = EventYellow
		default:
			e.ID = EventGreen
		}
		var b strings.Builder
		b.WriteString(i18n.T(lang, "monitor.event.head", i18n.Args{"account": name, "light": i18n.T(lang, "monitor.event."+string(light), nil)}))
		for _, r := range rs {
			b.WriteString("\r\n")
			proto := strings.ToUpper(r.Protocol)
			if r.Problem == nil {
				if r.Level == status.Green {
					b.WriteString(i18n.T(lang, "monitor.event.protocol_ok", i18n.Args{"protocol": proto, "ms": fmt.Sprint(r.Duration.Milliseconds())}))
				} else {
					fmt.Fprintf(&b, "%s: %s", proto, r.Level)
				}
				continue
			}
			fmt.Fprintf(&b, "%s: %s", proto, problemText(r.Problem, lang))
			if r.Problem.Detail != "" {
				fmt.Fprintf(&b, "\r\n    %s", r.Problem.Detail)
			}
		}
		e.Text = b.String()
		out = append(out, e)
	}
	return out
}

// WriteEvents writes each event with the entry type of its light:
// information for green, warning for yellow and for faults of the program,
// error for red. It stops at the first write that fails.
func WriteEvents(w EventWriter, events []Event) error {
	for _, e := range events {
		var err error
		switch {
		case e.ID == EventUnknown || e.Level == status.Yellow:
			err = w.Warning(e.ID, e.Text)
		case e.Level == status.Red:
			err = w.Error(e.ID, e.Text)
		default:
			err = w.Info(e.ID, e.Text)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
