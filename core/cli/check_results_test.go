package cli

import (
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/results"
	"mailoauth/core/sandbox/mailserver"
	"mailoauth/core/status"
)

// `check` keeps its results for the window and `watch`: the light, the
// worst problem and since when it is red.
func TestCheckKeepsResults(t *testing.T) {
	h := newSandboxCLI(t)
	h.addAppOnly("info", "info@"+h.sb.Identity.Domains()[0])
	if out, errs, code := h.run("", "check"); code != ExitOK {
		t.Fatalf("check: %d\n%s%s", code, out, errs)
	}
	e, p := results.Open(h.dir).Get("info")
	if p != nil || e.Light() != status.Green || e.CheckedAt.IsZero() || e.Protocols["imap"].Level != status.Green {
		t.Fatalf("after a green check: %+v %v", e, p)
	}
	h.sb.Mail.SetFault("pop3", mailserver.FaultAuthFailed)
	if _, _, code := h.run("", "check", "info"); code != ExitFailure {
		t.Fatalf("check with POP3 fault: %d", code)
	}
	e, _ = results.Open(h.dir).Get("info")
	if e.Light() != status.Red || e.RedSince.IsZero() || e.Before != status.Green || e.Problem == nil || e.Problem.Protocol != "pop3" {
		t.Fatalf("after a red check: %+v", e)
	}
}

// `check` waits for another run of the same account (the window's, a
// watch's) instead of running beside it.
func TestCheckWaitsForAnotherRun(t *testing.T) {
	h := newSandboxCLI(t)
	h.addAppOnly("info", "info@"+h.sb.Identity.Domains()[0])
	rel, ok, p := account.Open(h.dir).TryLockRun("info")
	if !ok || p != nil {
		t.Fatalf("lock: %v %v", ok, p)
	}
	done := make(chan time.Time, 1)
	go func() {
		h.run("", "check", "info")
		done <- time.Now()
	}()
	time.Sleep(300 * time.Millisecond)
	released := time.Now()
	rel()
	select {
	case at := <-done:
		if at.Before(released) {
			t.Fatal("check ran while another run held the account")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("check did not finish after the other run ended")
	}
	if e, _ := results.Open(h.dir).Get("info"); e.Light() != status.Green {
		t.Errorf("light %s", e.Light())
	}
}
