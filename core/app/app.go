// Package app is mailoauth's one application service: it builds the account
// store, the keyring, the token manager, the one HTTP client and the log
// once, and offers every use case the two front ends show — the command line
// (core/cli) and the window (ui). A behaviour both show is decided here; the
// front ends hold flags, widgets and rendering only, and import nothing of
// the core but this package, core/status, core/i18n and core/version (a
// test enforces it). The types a front end needs are re-exported below.
package app

import (
	"crypto/x509"
	"io"
	"net/http"
	"sync"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/applog"
	"mailoauth/core/i18n"
	"mailoauth/core/mailcheck"
	"mailoauth/core/results"
	"mailoauth/core/secret"
	"mailoauth/core/settings"
	"mailoauth/core/status"
	"mailoauth/core/tokens"
	"mailoauth/core/version"
)

// Types of the core that the front ends show or fill in.
type (
	Account  = account.Account
	Input    = account.Input
	Protocol = account.Protocol
	Server   = account.Server
	Flow     = account.Flow
)

// The protocols and the TLS modes of a server.
const (
	IMAP     = account.IMAP
	POP3     = account.POP3
	SMTP     = account.SMTP
	TLS      = account.TLS
	STARTTLS = account.STARTTLS
)

// Protocols of an account, in display order.
var Protocols = account.Protocols

// Flows an account can sign in with.
const (
	FlowBrowser = account.FlowBrowser
	FlowDevice  = account.FlowDevice
	FlowApp     = account.FlowApp
)

// Options build a Service. Zero fields get the process's own: the OS
// keyring, the system trust store, pkg/browser, the user's config and log
// folders.
type Options struct {
	// ConfigDir is the --config-dir flag ("" = MAILOAUTH_CONFIG_DIR or the
	// user's config folder).
	ConfigDir string
	Lang      i18n.Lang
	// Secrets replaces the OS keyring (unit tests and the demo only).
	Secrets secret.Store
	// RootCAs replaces the system trust store for the identity platform and
	// the mail servers (nil: system store, which honours SSL_CERT_FILE).
	RootCAs *x509.CertPool
	// HTTPClient replaces the client for the identity platform (the demo's
	// sandbox); nil builds the one client (proxy, TLS 1.2, timeouts).
	HTTPClient *http.Client
	// OpenBrowser replaces pkg/browser.
	OpenBrowser func(url string) error
	// Verbose, when set, receives the log's lines and redacted protocol
	// transcripts (--verbose: stderr).
	Verbose io.Writer
	// LogDir replaces the log folder (MAILOAUTH_LOG_DIR or the user's cache
	// folder).
	LogDir string
	// EventLog replaces the Windows event log (tests).
	EventLog OpenEventLog
}

// Service is the application: every use case of the CLI and the window.
// It is safe for concurrent use.
type Service struct {
	lang     i18n.Lang
	dir      string
	logDir   string
	store    *account.Store
	results  *results.Store
	settings *settings.Store
	secrets  secret.Store
	http     *http.Client
	tokens   *tokens.Manager
	log      *applog.Logger
	roots    *x509.CertPool
	browser  func(string) error
	eventLog OpenEventLog
	// auto is the start at sign-in; executable the running program that
	// it starts (tests replace it).
	auto       autostarter
	executable func() (string, error)

	mu      sync.Mutex
	suggest Input // values to prefill the wizard with (the demo's sandbox)
	held    map[string]heldApp
	admin   string // the administrator's login to prefill (the demo's sandbox)
	closers []func()
}

// Open builds the service. Its problem is a configuration fault: the config
// folder cannot be resolved.
func Open(opts Options) (*Service, *status.Problem) {
	dir, err := account.ConfigDir(opts.ConfigDir)
	if err != nil {
		return nil, status.New(status.Red, "cli.config_dir", "dir", opts.ConfigDir).WithDetail(err.Error()).Wrap(err)
	}
	s := &Service{lang: opts.Lang, dir: dir, store: account.Open(dir), results: results.Open(dir), settings: settings.Open(dir), secrets: opts.Secrets,
		http: opts.HTTPClient, roots: opts.RootCAs, browser: opts.OpenBrowser, logDir: opts.LogDir, eventLog: opts.EventLog,
		auto: systemAutostart{}, executable: defaultExecutable}
	if s.secrets == nil {
		s.secrets = scopeKeyring(secret.NewKeyring(), dir, s.store)
	}
	if s.http == nil {
		s.http = NewHTTPClient(opts.RootCAs)
	}
	if s.logDir == "" {
		s.logDir, _ = applog.Dir()
	}
	if s.logDir != "" {
		// Without a log the program still works; the window and the CLI
		// then only lose the trail for a ticket.
		if l, err := applog.Open(s.logDir); err == nil {
			s.log = l
			l.Verbose = opts.Verbose
		}
	}
	s.tokens = &tokens.Manager{Secrets: s.secrets, Locker: s.store, HTTPClient: s.http, Observe: s.observeToken}
	return s, nil
}

// Close closes the log and whatever the service started (the demo's sandbox).
func (s *Service) Close() {
	s.mu.Lock()
	closers := s.closers
	s.closers = nil
	s.mu.Unlock()
	for i := len(closers) - 1; i >= 0; i-- {
		closers[i]()
	}
	s.log.Close()
}

// Lang is the language the service renders its texts in.
func (s *Service) Lang() i18n.Lang { return s.lang }

// ConfigDir is the resolved config folder.
func (s *Service) ConfigDir() string { return s.dir }

// LogDir is the folder of the log file ("" when none could be opened).
func (s *Service) LogDir() string {
	if s.log == nil {
		return ""
	}
	return s.logDir
}

// Logf writes one redacted line to the log; front ends record what the
// user asked for ("run: check"), the service records what happened.
func (s *Service) Logf(format string, args ...any) { s.log.Printf(format, args...) }

// LogProblem records a problem a front end shows.
func (s *Service) LogProblem(p *status.Problem) {
	if p != nil {
		s.log.Printf("problem %s: %s", p.Code, p.Error())
	}
}

// Suggest returns values to prefill the wizard with: the demo knows its
// sandbox's tenant, app and a user; a real setup has none.
func (s *Service) Suggest() Input {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.suggest
}

// SuggestAdmin is the administrator's login to prefill where one signs in
// to Microsoft Graph: the demo's sandbox administrator; "" otherwise.
func (s *Service) SuggestAdmin() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.admin
}

// checkOptions are the mail checks' options; timeout 0 is the default.
func (s *Service) checkOptions(timeout time.Duration) mailcheck.Options {
	return mailcheck.Options{RootCAs: s.roots, Version: version.Version, Transcript: s.log.Transcript(), Timeout: timeout}
}

// SecretStore is where secrets live: the OS keyring, or a memory store in
// unit tests and the demo.
type SecretStore = secret.Store
