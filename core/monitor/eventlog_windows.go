//go:build windows

package monitor

import (
	"strings"

	"golang.org/x/sys/windows/svc/eventlog"

	"mailoauth/core/status"
)

// OpenEventLog opens the Application log for source. Windows accepts a
// source nobody registered: the entries are written all the same, and
// Event Viewer shows their text after a note that the description for the
// event ID cannot be found.
func OpenEventLog(source string) (EventWriter, func() error, *status.Problem) {
	l, err := eventlog.Open(source)
	if err != nil {
		return nil, nil, status.New(status.Red, "monitor.eventlog.open", "source", source).WithDetail(err.Error()).Wrap(err)
	}
	return l, l.Close, nil
}

// InstallEventSource registers source with EventCreate.exe as its message
// file, which shows an entry's text as it is. It writes under HKLM, so it
// needs an administrator once; registering again is no error.
func InstallEventSource(source string) *status.Problem {
	err := eventlog.InstallAsEventCreate(source, eventlog.Error|eventlog.Warning|eventlog.Info)
	if err != nil && !alreadyThere(err) {
		return status.New(status.Red, "monitor.eventlog.install", "source", source).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

// RemoveEventSource undoes InstallEventSource.
func RemoveEventSource(source string) *status.Problem {
	if err := eventlog.Remove(source); err != nil {
		return status.New(status.Red, "monitor.eventlog.install", "source", source).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

// alreadyThere: InstallAsEventCreate refuses a key that exists with a
// plain error naming it.
func alreadyThere(err error) bool {
	return strings.HasSuffix(err.Error(), "registry key already exists")
}
