package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailoauth/core/app"
	"mailoauth/core/monitor"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

type fakeEventLog struct{ entries []string }

func (f *fakeEventLog) Info(id uint32, m string) error {
	f.entries = append(f.entries, "info:"+m)
	return nil
}
func (f *fakeEventLog) Warning(id uint32, m string) error {
	f.entries = append(f.entries, "warning:"+m)
	return nil
}
func (f *fakeEventLog) Error(id uint32, m string) error {
	f.entries = append(f.entries, "error:"+m)
	return nil
}

func TestCheckFormatNagiosAndEventLog(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"info", "buchhaltung"} {
		if _, errs, code := run(t, dir, "account", "add", name, "--login", name+"@contoso.com", "--tenant", guid, "--client-id", guid,
			"--pop3", "off", "--smtp", "off"); code != ExitOK {
			t.Fatalf("add: %s", errs)
		}
	}
	// Not yet authorized: yellow, which Nagios calls WARNING (exit 1).
	out, errs, code := run(t, dir, "check", "--format", "nagios", "--lang", "en")
	if code != monitor.Warning || !strings.HasPrefix(out, "MAILOAUTH WARNING - 0 red, 2 yellow, 0 green") || errs != "" ||
		!strings.Contains(out, "'info_imap_ms'=") || !strings.Contains(out, "'buchhaltung_imap_ms'=") {
		t.Errorf("nagios: exit %d\n%s\n%s", code, out, errs)
	}
	// A usage error is a plugin line on stdout and UNKNOWN too.
	out, _, code = run(t, dir, "check", "nobody", "--format", "nagios")
	if code != monitor.Unknown || !strings.HasPrefix(out, "MAILOAUTH UNKNOWN - ") {
		t.Errorf("unknown account: exit %d\n%s", code, out)
	}
	if _, errs, code := run(t, dir, "check", "--format", "xml"); code != ExitUsage || !strings.Contains(errs, "nagios") {
		t.Errorf("--format xml: exit %d %s", code, errs)
	}
	// --format json is --json.
	out, _, code = run(t, dir, "check", "--format", "json")
	if code != ExitYellow || !strings.HasPrefix(out, "[") || !strings.Contains(out, `"status": "yellow"`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}

	// The event log: an entry per account whose light changed, a warning
	// for yellow; the normal output and exit code stay. The runs above
	// kept their lights, so nothing changed for these accounts...
	fake := &fakeEventLog{}
	withLog := func(dir string, args ...string) int {
		env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Secrets: &secret.Memory{},
			Getenv: func(string) string { return "" },
			EventLog: func(string) (app.EventWriter, func() error, *status.Problem) {
				return fake, func() error { return nil }, nil
			}}
		return Main(append([]string{"--config-dir", dir}, args...), env)
	}
	code = withLog(dir, "check", "--event-log", "--lang", "en")
	if code != ExitYellow || len(fake.entries) != 0 {
		t.Errorf("event log, nothing changed: exit %d, %q", code, fake.entries)
	}
	// ...but in a new folder both accounts get their first light.
	dir2 := t.TempDir()
	for _, name := range []string{"info", "buchhaltung"} {
		run(t, dir2, "account", "add", name, "--login", name+"@contoso.com", "--tenant", guid, "--client-id", guid, "--pop3", "off", "--smtp", "off")
	}
	code = withLog(dir2, "check", "--event-log", "--lang", "en")
	if code != ExitYellow || len(fake.entries) != 2 || !strings.HasPrefix(fake.entries[0], "warning:buchhaltung: something to do (yellow)") {
		t.Errorf("event log: exit %d, %q", code, fake.entries)
	}
	// Where there is no event log, check --event-log says so and fails.
	if _, errs, code := run(t, dir, "check", "--event-log", "--lang", "en"); code != ExitFailure || !strings.Contains(errs, "only on Windows") {
		t.Errorf("no event log: exit %d %s", code, errs)
	}

	// An unreadable configuration is a fault of the program: UNKNOWN.
	if err := os.WriteFile(filepath.Join(dir, "accounts.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code = run(t, dir, "check", "--format", "nagios", "--lang", "en")
	if code != monitor.Unknown || !strings.HasPrefix(out, "MAILOAUTH UNKNOWN - ") {
		t.Errorf("broken config: exit %d\n%s", code, out)
	}
}
