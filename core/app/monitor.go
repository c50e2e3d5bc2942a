package app

import (
	"mailoauth/core/i18n"
	"mailoauth/core/monitor"
	"mailoauth/core/results"
	"mailoauth/core/status"
)

// EventSource is the source name of mailoauth's entries in the Windows
// Application log.
const EventSource = monitor.EventSource

// EventWriter is where event log entries go (the Windows event log, or a
// fake in tests).
type EventWriter = monitor.EventWriter

// OpenEventLog opens the event log for a source; Options.EventLog
// replaces the Windows one.
type OpenEventLog func(source string) (EventWriter, func() error, *status.Problem)

// Nagios renders a check run as a Nagios plugin's output and exit code;
// fault is a problem that kept the run from checking at all.
func Nagios(results []status.Result, fault *status.Problem, lang i18n.Lang) (string, int) {
	return monitor.Nagios(results, fault, lang)
}

// WriteEvents writes an Application event log entry for each account in
// changed (every account when changed is nil), as CheckOptions.Changed
// reported them, with the light's entry type and the problems and fixes.
func (s *Service) WriteEvents(results []status.Result, changed map[string]bool) *status.Problem {
	open := s.eventLog
	if open == nil {
		open = monitor.OpenEventLog
	}
	w, closeLog, p := open(EventSource)
	if p != nil {
		return p
	}
	defer closeLog()
	if err := monitor.WriteEvents(w, monitor.Events(results, changed, s.lang)); err != nil {
		return status.New(status.Red, "monitor.eventlog.write", "source", EventSource).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

// InstallEventSource registers the event source (Windows, administrator).
func InstallEventSource() *status.Problem { return monitor.InstallEventSource(EventSource) }

// RemoveEventSource removes the event source again.
func RemoveEventSource() *status.Problem { return monitor.RemoveEventSource(EventSource) }

// changedAccounts turns the results store's changes into a set of names;
// nil (every account) when the results could not be kept.
func changedAccounts(cs []results.Change, p *status.Problem) map[string]bool {
	if p != nil {
		return nil
	}
	m := map[string]bool{}
	for _, c := range cs {
		m[c.Account] = true
	}
	return m
}
