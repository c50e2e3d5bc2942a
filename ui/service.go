package ui

import (
	"context"
	"time"

	"mailoauth/core/app"
	"mailoauth/core/status"
)

// Service is what the window needs of the application service
// (*app.Service); widget tests give it a fake. The window holds widgets
// only: every decision is the service's, the same as for the command line.
type Service interface {
	Accounts() ([]app.Account, *status.Problem)
	// Check reports each result as it arrives, from many goroutines.
	Check(ctx context.Context, names []string, o app.CheckOptions, report func(status.Result)) ([]status.Result, *status.Problem)
	Authorize(ctx context.Context, name string, o app.AuthorizeOptions) (*app.Authorized, *status.Problem)
	AdminConsent(ctx context.Context, name string, o app.BrowserOptions) *status.Problem
	Remove(ctx context.Context, name string) *status.Problem
	RemoveAll(ctx context.Context) *status.Problem
	Card(name, product string) ([]app.CardField, *status.Problem)
	Add(ctx context.Context, in app.Input, clientSecret string) (*app.Saved, []*status.Problem)
	AddMailboxes(ctx context.Context, in app.Input, mailboxes []string, clientSecret string) ([]*app.Saved, []*status.Problem)
	Update(ctx context.Context, in app.Input, clientSecret string) (*app.Saved, []*status.Problem)
	SendTest(ctx context.Context, name, to string, timeout time.Duration) (*app.Sent, *status.Problem)
	Diagnostics(ctx context.Context, name string, timeout time.Duration) (string, *status.Problem)
	ExchangePowerShell(name string) (string, *status.Problem)
	// Register creates (or finds and repairs) the app registration through
	// Microsoft Graph after an administrator signs in.
	Register(ctx context.Context, r app.RegisterRequest) (*app.Registered, []*status.Problem)
	// CheckApp reads (and with Repair fixes) an account's app registration.
	CheckApp(ctx context.Context, r app.AppCheckRequest) (*app.AppChecked, *status.Problem)
	// ClientSecret is an app-only account's client secret, for the clipboard.
	ClientSecret(ctx context.Context, name string) (string, *status.Problem)
	// SuggestAdmin is the administrator's login to prefill (the demo's).
	SuggestAdmin() string
	LogDir() string
	Logf(format string, args ...any)
	ConfigDir() string
	LastResults() (map[string]app.LastResult, *status.Problem)
	SetMuted(name string, muted bool) *status.Problem
	SetNote(name, note string) *status.Problem
	TokenHealth(name string) (app.TokenHealth, *status.Problem)
	Settings() (app.Settings, *status.Problem)
	// UpdateSettings also writes or removes the start at sign-in when
	// StartWithWindows changes (kept unchanged when that fails).
	UpdateSettings(fn func(*app.Settings)) *status.Problem
	// AutostartOffered: nil, or why this system has no start at sign-in.
	AutostartOffered() *status.Problem
	Suggest() app.Input
}

var _ Service = (*app.Service)(nil)
