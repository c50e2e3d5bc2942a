// Package cli is mailoauth's command line: it parses the sub-commands (a
// contract scripts and scheduled tasks rely on: names, flags, exit codes and
// the JSON of check stay stable), calls the core packages and renders their
// results in German or English. It holds no logic of its own beyond that;
// cmd/mailoauth only wires it to the process.
package cli

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"strings"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
	"mailoauth/core/version"
)

// Exit codes, read by scripts and monitoring; their meaning never changes.
const (
	ExitOK      = 0
	ExitYellow  = 1
	ExitFailure = 2
	ExitUsage   = 3
)

// Env is what a run of the CLI talks to. Zero fields get the process's own
// (os.Stdin, the OS keyring, ...); tests replace them.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Secrets replaces the OS keyring (unit tests only; end-to-end tests use
	// the real keyring).
	Secrets app.SecretStore
	// RootCAs replaces the system trust store for the identity platform and
	// the mail servers (nil: system store, which honours SSL_CERT_FILE).
	RootCAs *x509.CertPool
	// EventLog replaces the Windows event log (tests).
	EventLog app.OpenEventLog
	// OpenBrowser replaces pkg/browser (nil: pkg/browser).
	OpenBrowser func(url string) error
	// RunGUI opens the window (cmd/mailoauth wires the ui package in);
	// nil in builds without a window.
	RunGUI func(GUIStart) int
	// Context ends every command that may wait (a sign-in, a check,
	// watch) like Ctrl+C does (tests, a caller that handles the console
	// itself; nil: only Ctrl+C).
	Context context.Context
}

// GUIStart is how the window is to start.
type GUIStart struct {
	Lang      i18n.Lang
	ConfigDir string
	Demo      bool
	// Minimized (--minimized, the start at sign-in): only the tray icon
	// and the watcher, where there is a tray; the window otherwise.
	Minimized bool
}

// runner is one run of the command line over the application service.
type runner struct {
	env       Env
	lang      i18n.Lang
	json      bool
	nagios    bool // check --format nagios
	eventLog  bool // check --event-log
	verbose   bool
	configDir string
	svc       *app.Service
}

// Main runs one command line and returns the exit code.
func Main(args []string, env Env) int {
	if env.Stdin == nil {
		env.Stdin = os.Stdin
	}
	if env.Stdout == nil {
		env.Stdout = os.Stdout
	}
	if env.Stderr == nil {
		env.Stderr = os.Stderr
	}
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	cmd, rest, p := splitCommand(args)
	// Global flags first, so that every later message is in the chosen language.
	g, _ := parseArgs(filterGlobals(rest), nil)
	lang, lp := language(g)
	a := &runner{env: env, lang: lang}
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	if lp != nil {
		return a.fail(lp, ExitUsage)
	}
	if g != nil {
		a.verbose = g.bools["verbose"]
		a.json = g.bools["json"]
		a.configDir = g.vals["config-dir"]
	}
	if len(cmd) == 0 && !hasHelp(rest) {
		if env.RunGUI != nil {
			return env.RunGUI(GUIStart{Lang: a.lang, ConfigDir: a.configDir, Minimized: hasFlag(rest, "minimized")})
		}
		fmt.Fprintln(env.Stderr, a.t("cli.no_gui"))
		a.usage(env.Stderr)
		return ExitUsage
	}
	if len(cmd) == 0 || cmd[0] == "help" || hasHelp(rest) {
		a.usage(env.Stdout)
		return ExitOK
	}
	h, ok := commands[strings.Join(cmd, " ")]
	if !ok {
		return a.fail(status.New(status.Red, "cli.unknown_command", "command", strings.Join(cmd, " ")), ExitUsage)
	}
	pa, p := parseArgs(rest, h.flags)
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	if h.needsSetup {
		if code := a.setup(); code != ExitOK {
			return code
		}
		defer a.svc.Close()
		a.svc.Logf("run: %s", strings.Join(cmd, " "))
	}
	return h.run(a, pa)
}

type command struct {
	flags      flagSpec
	needsSetup bool
	run        func(*runner, *parsed) int
}

// commands is filled by the files that implement each command.
var commands = map[string]command{}

// nested commands take a second word.
var nested = map[string]bool{"account": true}

// splitCommand finds the command words among the arguments, skipping global
// flags and their values, which may come first.
func splitCommand(args []string) (cmd, rest []string, p *status.Problem) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--version" || a == "-version" {
			return []string{"version"}, append(rest, args[i+1:]...), nil
		}
		if strings.HasPrefix(a, "-") {
			rest = append(rest, a)
			name := strings.TrimLeft(a, "-")
			if takes := globalFlags[name]; takes && !strings.Contains(name, "=") && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
			continue
		}
		if len(cmd) == 0 || (len(cmd) == 1 && nested[cmd[0]]) {
			cmd = append(cmd, a)
			continue
		}
		rest = append(rest, a)
	}
	return cmd, rest, nil
}

// language decides the run's language from the global flags (g nil: they
// could not be read; the command's own parse says why) by the rule both
// front ends share.
func language(g *parsed) (i18n.Lang, *status.Problem) {
	if g == nil {
		return app.Language("", false, "")
	}
	v, given := g.vals["lang"]
	return app.Language(v, given, g.vals["config-dir"])
}

// filterGlobals keeps only the global flags (and their values).
func filterGlobals(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name := strings.TrimLeft(a, "-")
		base := name
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			base = name[:eq]
		}
		takes, ok := globalFlags[base]
		if !ok {
			continue
		}
		out = append(out, a)
		if takes && base == name && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	return out
}

func hasHelp(args []string) bool {
	for _, a := range args {
		if a == "--help" || a == "-h" || a == "-help" {
			return true
		}
	}
	return false
}

// setup builds the application service: config folder, log, keyring.
func (a *runner) setup() int {
	opts := app.Options{ConfigDir: a.configDir, Lang: a.lang, Secrets: a.env.Secrets, RootCAs: a.env.RootCAs, OpenBrowser: a.env.OpenBrowser,
		EventLog: a.env.EventLog}
	if a.verbose {
		opts.Verbose = a.env.Stderr
	}
	svc, p := app.Open(opts)
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	a.svc = svc
	a.configDir = svc.ConfigDir()
	return ExitOK
}

// t renders a catalogue text in the run's language.
func (a *runner) t(key string, args ...string) string {
	return i18n.T(a.lang, key, i18n.Pairs(args...))
}

// fail prints a problem — what is wrong, what to do, the raw detail — to
// stderr (or as JSON with --json) and returns code.
func (a *runner) fail(p *status.Problem, code int) int {
	if a.svc != nil {
		a.svc.LogProblem(p)
	}
	if a.nagios {
		return a.nagiosFailure(p)
	}
	a.printProblem(a.env.Stderr, p)
	return code
}

func (a *runner) printProblem(w io.Writer, p *status.Problem) {
	a.printLabelled(w, "common.error", p)
}

// printNote prints a problem found by a command that went on and worked
// (exit 0): a yellow one is a warning, since "Error:" above a success sends
// the helpdesk looking for a failure that did not happen.
func (a *runner) printNote(w io.Writer, p *status.Problem) {
	label := "common.warning"
	if p.Level == status.Red {
		label = "common.error"
	}
	a.printLabelled(w, label, p)
}

func (a *runner) printLabelled(w io.Writer, label string, p *status.Problem) {
	fmt.Fprintf(w, "%s: %s\n", a.t(label), p.Message(a.lang))
	if fix := p.Fix(a.lang); fix != "" {
		fmt.Fprintf(w, "%s: %s\n", a.t("common.fix_prefix"), fix)
	}
	if p.Detail != "" {
		fmt.Fprintf(w, "%s: %s\n", a.t("cli.detail"), p.Detail)
	}
}

func (a *runner) failAll(ps []*status.Problem, code int) int {
	for _, p := range ps {
		a.printProblem(a.env.Stderr, p)
	}
	return code
}

func (a *runner) usage(w io.Writer) {
	fmt.Fprintln(w, a.t("cli.usage"))
}

func init() {
	commands["demo"] = command{flags: flagSpec{"minimized": false}, run: func(a *runner, pa *parsed) int {
		if a.env.RunGUI != nil {
			return a.env.RunGUI(GUIStart{Lang: a.lang, ConfigDir: a.configDir, Demo: true, Minimized: pa.bools["minimized"]})
		}
		fmt.Fprintln(a.env.Stderr, a.t("cli.no_gui"))
		return ExitUsage
	}}
	commands["version"] = command{run: func(a *runner, _ *parsed) int {
		fmt.Fprintln(a.env.Stdout, version.String())
		return ExitOK
	}}
}
