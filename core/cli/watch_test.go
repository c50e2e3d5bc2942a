package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"mailoauth/core/results"
	"mailoauth/core/sandbox/mailserver"
	"mailoauth/core/settings"
	"mailoauth/core/status"
)

// watch against the sandbox: the start check finds a light that got worse
// since the last `check`, prints it once in the chosen language, keeps it,
// and ends cleanly when interrupted.
func TestWatchPrintsChanges(t *testing.T) {
	h := newSandboxCLI(t)
	dom := h.sb.Identity.Domains()[0]
	h.addAppOnly("info", "info@"+dom)
	h.addAppOnly("buchhaltung", "buchhaltung@"+dom)
	if _, errs, code := h.run("", "check"); code != ExitOK {
		t.Fatalf("check: %d %s", code, errs)
	}
	if _, errs, code := h.run("", "watch", "--every", "10s"); code != ExitUsage || !strings.Contains(errs, "at least one minute") {
		t.Fatalf("--every 10s: %d %s", code, errs)
	}
	if _, _, code := h.run("", "watch", "nobody"); code != ExitUsage {
		t.Fatalf("unknown account: %d", code)
	}
	h.sb.Mail.SetFault("pop3", mailserver.FaultAuthFailed)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.ctx = ctx
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"--config-dir", h.dir, "--lang", "de", "watch", "info", "--every", "15m"}, h.env("", &out, &errb))
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "info: schlechter") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("watch did not end when interrupted")
	}
	text := out.String()
	for _, want := range []string{"Überwache info: jetzt eine Prüfung, dann alle 15 min", "info: schlechter, grün → rot — POP3: ", "Überwachung beendet."} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s\n%s", want, text, errb.String())
		}
	}
	if strings.Count(text, "  info: ") != 1 || strings.Contains(text, "buchhaltung") {
		t.Errorf("printed more than the one change of the watched account:\n%s", text)
	}
	rs := results.Open(h.dir)
	if e, _ := rs.Get("info"); e.Light() != status.Red || e.Problem.Protocol != "pop3" {
		t.Errorf("info kept as %+v", e)
	}
	if e, _ := rs.Get("buchhaltung"); e.Light() != status.Green {
		t.Errorf("unwatched account touched: %+v", e)
	}
}

// TestWatchFollowsTheSettingsInterval: without --every, watch keeps the
// interval of the config folder's settings (the window's schedule); with
// watching switched off there it still watches, at the default; --every
// wins.
func TestWatchFollowsTheSettingsInterval(t *testing.T) {
	h := newSandboxCLI(t)
	dom := h.sb.Identity.Domains()[0]
	h.addAppOnly("info", "info@"+dom)
	started := func(minutes int, args ...string) string {
		t.Helper()
		set := settings.Defaults()
		set.EveryMinutes = minutes
		if err := settings.Open(h.dir).Save(set); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		h.ctx = ctx
		var out, errb syncBuffer
		done := make(chan int, 1)
		go func() {
			done <- Main(append([]string{"--config-dir", h.dir, "--lang", "en", "watch", "info"}, args...), h.env("", &out, &errb))
		}()
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(out.String(), "Watching") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
		line, _, _ := strings.Cut(out.String(), "\n")
		return line
	}
	for _, c := range []struct {
		minutes int
		args    []string
		want    string
	}{
		{5, nil, "every 5 min"},
		{0, nil, "every 15 min"},
		{5, []string{"--every", "1h"}, "every 60 min"},
	} {
		if got := started(c.minutes, c.args...); !strings.Contains(got, c.want) {
			t.Errorf("settings %d min, %v: %q, want %q", c.minutes, c.args, got, c.want)
		}
	}
}
