package app

import (
	"errors"

	"mailoauth/core/instance"
	"mailoauth/core/status"
)

// ClaimWindow makes this process the one window of the config folder.
// first is false when another window runs: it was asked to come to the
// front, and this start should end. onShow runs (on its own goroutine)
// whenever a later start asks for this window. A running window that does
// not answer is a yellow problem with first true: better a second window
// than none.
func (s *Service) ClaimWindow(onShow func()) (release func(), first bool, p *status.Problem) {
	rel, first, err := instance.Claim(s.dir, onShow)
	switch {
	case err == nil:
		if rel == nil {
			rel = func() {}
		}
		return rel, first, nil
	case errors.Is(err, instance.ErrUnreachable):
		return func() {}, true, status.New(status.Yellow, "app.instance_unreachable")
	}
	// Without the lock or the port the window still works, only alone.
	return func() {}, true, status.New(status.Yellow, "app.instance_failed").WithDetail(err.Error())
}
