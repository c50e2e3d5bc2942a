package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"mailoauth/core/secret"
)

func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Secrets: &secret.Memory{},
		Getenv: func(string) string { return "" }}
	t.Setenv("MAILOAUTH_LOG_DIR", t.TempDir())
	code := Main(append([]string{"--config-dir", dir}, args...), env)
	return out.String(), errb.String(), code
}

const guid = "0b3c1a2d-4e5f-6789-abcd-ef0123456789"

func TestGlobalFlagsAnywhereAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	// Global flags before and after the command; values with = and without.
	_, errs, code := run(t, dir, "--lang=de", "account", "add", "a1", "--login", "a@contoso.com", "--tenant", guid, "--client-id", guid)
	if code != ExitOK {
		t.Fatalf("add: %d %s", code, errs)
	}
	out, _, code := run(t, dir, "account", "list", "--json", "--lang", "en")
	var list []map[string]any
	if code != ExitOK || json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 || list[0]["name"] != "a1" {
		t.Fatalf("list: %d %s", code, out)
	}
	// Usage errors: exit 3 with a message in the chosen language.
	for _, args := range [][]string{
		{"account", "add", "x", "--login", "nope", "--tenant", guid, "--client-id", guid},
		{"account", "frobnicate"},
		{"check", "--parallel", "0"},
		{"account", "show"},
		{"--lang", "fr", "account", "list"},
		{"account", "list", "--no-such-flag"},
		{"account", "show", "missing"},
		// The name is taken: the input cannot be used as given.
		{"account", "add", "a1", "--login", "a@contoso.com", "--tenant", guid, "--client-id", guid},
	} {
		_, errs, code := run(t, dir, append([]string{"--lang", "de"}, args...)...)
		if code != ExitUsage || !strings.Contains(errs, "Was tun") && !strings.Contains(errs, "What to do") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	out, _, code = run(t, dir, "--version")
	if code != ExitOK || !strings.HasPrefix(out, "mailoauth ") {
		t.Errorf("version: %d %q", code, out)
	}
	// Secrets never go to the config: a client secret read from stdin lands
	// in the secret store only.
	var o, e bytes.Buffer
	mem := &secret.Memory{}
	code = Main([]string{"--config-dir", dir, "account", "add", "app", "--flow", "app", "--login", "a@contoso.com", "--tenant", guid,
		"--client-id", guid, "--client-secret-stdin"}, Env{Stdin: strings.NewReader("Xy8Q~very-secret-value-1234567890\n"), Stdout: &o, Stderr: &e, Secrets: mem})
	if code != ExitOK {
		t.Fatalf("app add: %d %s", code, e.String())
	}
	if v := mem.Values(); len(v) != 1 || v[0] != "Xy8Q~very-secret-value-1234567890" {
		t.Errorf("secret store: %v", v)
	}
	out, _, _ = run(t, dir, "account", "show", "app", "--json")
	if strings.Contains(out, "very-secret") || strings.Contains(o.String()+e.String(), "very-secret") {
		t.Error("the client secret was printed")
	}
}

func TestWaitText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute:                   "5 min",
		5*time.Minute - time.Second:       "5 min",
		90 * time.Second:                  "2 min",
		30 * time.Second:                  "30 s",
		29*time.Second + time.Millisecond: "30 s",
		0:                                 "1 s",
	} {
		if got := waitText(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}
