// Package cli is mailoauth's command line: it parses the sub-commands of the
// CLI contract in DESIGN.md, calls the core packages and renders their
// results in German or English. It holds no logic of its own beyond that;
// cmd/mailoauth only wires it to the process.
package cli

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"mailoauth/core/account"
	"mailoauth/core/applog"
	"mailoauth/core/i18n"
	"mailoauth/core/results"
	"mailoauth/core/secret"
	"mailoauth/core/status"
	"mailoauth/core/tokens"
	"mailoauth/core/version"
)

// Exit codes of DESIGN.md.
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
	Secrets secret.Store
	// RootCAs replaces the system trust store for the identity platform and
	// the mail servers (nil: system store, which honours SSL_CERT_FILE).
	RootCAs *x509.CertPool
	// OpenBrowser replaces pkg/browser (nil: pkg/browser).
	OpenBrowser func(url string) error
	// RunGUI opens the window (cmd/mailoauth wires the ui package in);
	// nil in builds without a window.
	RunGUI func(lang i18n.Lang, configDir string, demo bool) int
	// Context ends long-running commands (watch) like Ctrl+C does
	// (tests; nil: only Ctrl+C).
	Context context.Context
}

type app struct {
	env       Env
	lang      i18n.Lang
	json      bool
	verbose   bool
	configDir string
	log       *applog.Logger
	store     *account.Store
	results   *results.Store
	secrets   secret.Store
	http      *http.Client
	tokens    *tokens.Manager
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
	a := &app{env: env, lang: i18n.Detect()}
	cmd, rest, p := splitCommand(args)
	if p != nil {
		return a.fail(p, ExitUsage)
	}
	// Global flags first, so that every later message is in the chosen language.
	g, _ := parseArgs(filterGlobals(rest), nil)
	if g != nil {
		if v, ok := g.vals["lang"]; ok {
			l, ok := i18n.Parse(v)
			if !ok {
				return a.fail(status.New(status.Red, "lang.invalid", "value", v), ExitUsage)
			}
			a.lang = l
		}
		a.verbose = g.bools["verbose"]
		a.json = g.bools["json"]
		a.configDir = g.vals["config-dir"]
	}
	if len(cmd) == 0 && !hasHelp(rest) {
		if env.RunGUI != nil {
			return env.RunGUI(a.lang, a.configDir, false)
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
		defer a.log.Close()
		a.log.Printf("run: %s", strings.Join(cmd, " "))
	}
	return h.run(a, pa)
}

type command struct {
	flags      flagSpec
	needsSetup bool
	run        func(*app, *parsed) int
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

// setup opens the config dir, the log and the keyring.
func (a *app) setup() int {
	dir, err := account.ConfigDir(a.configDir)
	if err != nil {
		return a.fail(status.New(status.Red, "cli.config_dir", "dir", a.configDir).Wrap(err), ExitUsage)
	}
	a.configDir = dir
	a.store = account.Open(dir)
	a.results = results.Open(dir)
	if logDir, err := applog.Dir(); err == nil {
		if l, err := applog.Open(logDir); err == nil {
			a.log = l
		}
	}
	if a.verbose && a.log != nil {
		a.log.Verbose = a.env.Stderr
	}
	a.secrets = a.env.Secrets
	if a.secrets == nil {
		a.secrets = secret.NewKeyring()
	}
	a.http = newHTTPClient(a.env.RootCAs)
	a.tokens = &tokens.Manager{Secrets: a.secrets, Locker: a.store, HTTPClient: a.http}
	return ExitOK
}

// t renders a catalogue text in the run's language.
func (a *app) t(key string, args ...string) string {
	var m i18n.Args
	if len(args) > 0 {
		m = i18n.Args{}
		for i := 0; i+1 < len(args); i += 2 {
			m[args[i]] = args[i+1]
		}
	}
	return i18n.T(a.lang, key, m)
}

// fail prints a problem — what is wrong, what to do, the raw detail — to
// stderr (or as JSON with --json) and returns code.
func (a *app) fail(p *status.Problem, code int) int {
	a.printProblem(a.env.Stderr, p)
	if a.log != nil {
		a.log.Printf("problem %s: %s", p.Code, p.Error())
	}
	return code
}

func (a *app) printProblem(w io.Writer, p *status.Problem) {
	fmt.Fprintf(w, "%s: %s\n", a.t("common.error"), p.Message(a.lang))
	if fix := p.Fix(a.lang); fix != "" {
		fmt.Fprintf(w, "%s: %s\n", a.t("common.fix_prefix"), fix)
	}
	if p.Detail != "" {
		fmt.Fprintf(w, "%s: %s\n", a.t("cli.detail"), p.Detail)
	}
}

func (a *app) failAll(ps []*status.Problem, code int) int {
	for _, p := range ps {
		a.printProblem(a.env.Stderr, p)
	}
	return code
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintln(w, a.t("cli.usage"))
}

func init() {
	commands["demo"] = command{run: func(a *app, _ *parsed) int {
		if a.env.RunGUI != nil {
			return a.env.RunGUI(a.lang, a.configDir, true)
		}
		fmt.Fprintln(a.env.Stderr, a.t("cli.no_gui"))
		return ExitUsage
	}}
	commands["version"] = command{run: func(a *app, _ *parsed) int {
		fmt.Fprintln(a.env.Stdout, version.String())
		return ExitOK
	}}
}
