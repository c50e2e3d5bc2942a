//go:build !windows

package monitor

import "mailoauth/core/status"

// OpenEventLog: the event log exists only on Windows.
func OpenEventLog(source string) (EventWriter, func() error, *status.Problem) {
	return nil, nil, status.New(status.Red, "monitor.eventlog.unsupported")
}

// InstallEventSource: the event log exists only on Windows.
func InstallEventSource(string) *status.Problem {
	return status.New(status.Red, "monitor.eventlog.unsupported")
}

// RemoveEventSource: the event log exists only on Windows.
func RemoveEventSource(string) *status.Problem {
	return status.New(status.Red, "monitor.eventlog.unsupported")
}
