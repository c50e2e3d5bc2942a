package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

// sandboxService is the service against an in-process sandbox, with its
// log in logDir.
func sandboxService(t *testing.T, secrets secret.Store) (*sandbox.Sandbox, *Service, string) {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if secrets == nil {
		secrets = &secret.Memory{}
	}
	dir := t.TempDir()
	logDir := filepath.Join(dir, "log")
	hc := sb.Identity.HTTPClient()
	s, p := Open(Options{ConfigDir: filepath.Join(dir, "config"), LogDir: logDir, Secrets: secrets, RootCAs: sb.CA.Pool(),
		HTTPClient: hc, OpenBrowser: ConsentingBrowser(hc)})
	if p != nil {
		t.Fatal(p)
	}
	t.Cleanup(s.Close)
	return sb, s, logDir
}

// memoryService is the service on configDir ("" = the default folder)
// with an in-memory keyring and its log in a temporary folder: for what
// needs no identity platform.
func memoryService(t *testing.T, configDir string) *Service {
	t.Helper()
	s, p := Open(Options{ConfigDir: configDir, LogDir: filepath.Join(t.TempDir(), "log"), Secrets: &secret.Memory{}})
	if p != nil {
		t.Fatal(p)
	}
	t.Cleanup(s.Close)
	return s
}

func input(sb *sandbox.Sandbox, name, login string) Input {
	return Input{Name: name, Login: login, Tenant: sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/",
		ClientID: identity.PublicClientID, IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr(), SMTPSecurity: "starttls"}
}

// TestCheckResultsAreFinal: what the IMAP check learns (a moved mailbox)
// is folded into the result the service reports and returns — the front
// ends show it as it comes.
func TestCheckResultsAreFinal(t *testing.T) {
	sb, s, _ := sandboxService(t, nil)
	in := input(sb, "m", "fritz@contoso.example")
	in.POP3, in.SMTP = "off", "off"
	if _, probs := s.Add(context.Background(), in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if _, p := s.Authorize(context.Background(), "m", AuthorizeOptions{}); p != nil {
		t.Fatal(p)
	}
	imap := func() (reported, returned status.Result) {
		res, p := s.Check(context.Background(), []string{"m"}, CheckOptions{}, func(r status.Result) {
			if r.Protocol == "imap" {
				reported = r
			}
		})
		if p != nil {
			t.Fatal(p)
		}
		return reported, res[0]
	}
	if r, _ := imap(); r.Level != status.Green {
		t.Fatalf("first check: %v %v", r.Level, r.Problem)
	}
	sb.Mail.MoveMailbox("fritz@contoso.example")
	rep, ret := imap()
	for _, r := range []status.Result{rep, ret} {
		if r.Level != status.Yellow || r.Problem == nil || r.Problem.Code != "account.uidvalidity_changed" {
			t.Fatalf("after the move: %v %v", r.Level, r.Problem)
		}
	}
	c, p := s.Card("m", "")
	if p != nil || !strings.Contains(CardText(c), "Gesendete Elemente") {
		t.Errorf("card without the sent folder: %v\n%s", p, CardText(c))
	}
}

// failingSecrets is a keyring that refuses to write, as a locked one does.
type failingSecrets struct {
	secret.Memory
	setErr error
}

func (f *failingSecrets) Set(ctx context.Context, key, value string) error {
	if f.setErr != nil {
		return f.setErr
	}
	return f.Memory.Set(ctx, key, value)
}

// TestKeyringRefusalKeepsItsCauseAndRollsBack: a keyring that refuses the
// client secret is reported as what it is (locked), and neither adding nor
// updating leaves the account half-changed.
func TestKeyringRefusalKeepsItsCauseAndRollsBack(t *testing.T) {
	fs := &failingSecrets{}
	sb, s, _ := sandboxService(t, fs)
	ctx := context.Background()
	locked := status.New(status.Red, "secret.locked").WithDetail("org.freedesktop.Secret.Error.IsLocked")

	in := input(sb, "app1", "alarm@contoso.example")
	in.ClientID, in.Flow = identity.ConfidentialClientID, "app"
	fs.setErr = locked
	if _, probs := s.Add(ctx, in, "s3cret"); len(probs) != 1 || probs[0].Code != "secret.locked" {
		t.Fatalf("add with a locked keyring: %v", probs)
	}
	if _, p := s.Account("app1"); p == nil {
		t.Fatal("the account was kept without its secret")
	}

	fs.setErr = nil
	if _, probs := s.Add(ctx, in, "s3cret"); len(probs) > 0 {
		t.Fatal(probs)
	}
	changed := in
	changed.Login = "other@contoso.example"
	fs.setErr = locked
	if _, probs := s.Update(ctx, changed, "new-secret"); len(probs) != 1 || probs[0].Code != "secret.locked" {
		t.Fatalf("update with a locked keyring: %v", probs)
	}
	a, p := s.Account("app1")
	if p != nil || a.Login != "alarm@contoso.example" {
		t.Fatalf("a failed update changed the account: %+v %v", a, p)
	}
	if v, _ := fs.Memory.Get(ctx, secret.ClientSecretKey("app1")); v != "s3cret" {
		t.Fatalf("client secret after the failed update: %q", v)
	}
	// An app-only account needs a secret — the one rule, for add and update.
	in.Name = "app2"
	if _, probs := s.Add(ctx, in, ""); len(probs) != 1 || probs[0].Code != "cli.app_needs_secret" {
		t.Fatalf("app-only without secret: %v", probs)
	}
	if probs := ValidateApp(in, false); len(probs) != 1 || probs[0].Args["field"] != "client_secret" {
		t.Fatalf("ValidateApp: %v", probs)
	}
	fs.setErr = nil
	if _, probs := s.Update(ctx, changed, ""); len(probs) > 0 {
		t.Fatalf("update keeping the stored secret: %v", probs)
	}
}

// lockedReads is a keyring whose reads fail as a locked one's do.
type lockedReads struct{ secret.Memory }

func (*lockedReads) Get(context.Context, string) (string, error) {
	return "", status.New(status.Red, "secret.locked")
}

// TestLockedKeyringIsNotNotAuthorized: a keyring that cannot be read says
// so; it never turns into "not authorized".
func TestLockedKeyringIsNotNotAuthorized(t *testing.T) {
	sb, s, _ := sandboxService(t, &lockedReads{})
	if _, probs := s.Add(context.Background(), input(sb, "k", "anna@contoso.example"), ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	ok, p := s.IsAuthorized(context.Background(), "k")
	if ok || p == nil || p.Code != "secret.locked" {
		t.Fatalf("IsAuthorized: %v %v", ok, p)
	}
	res, p := s.Check(context.Background(), []string{"k"}, CheckOptions{}, nil)
	if p != nil {
		t.Fatal(p)
	}
	for _, r := range res {
		if r.Protocol == "imap" && (r.Problem == nil || r.Problem.Code != "secret.locked") {
			t.Errorf("check with a locked keyring: %v %v", r.Level, r.Problem)
		}
	}
}

// TestAuthorizeWarnsAboutMissingPermission: the scope check runs for every
// sign-in, so the window warns as the CLI does.
func TestAuthorizeWarnsAboutMissingPermission(t *testing.T) {
	sb, s, _ := sandboxService(t, nil)
	if _, probs := s.Add(context.Background(), input(sb, "w", "anna@contoso.example"), ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	sb.Identity.Withhold("POP.AccessAsUser.All")
	res, p := s.Authorize(context.Background(), "w", AuthorizeOptions{})
	if p != nil {
		t.Fatal(p)
	}
	if res.User != "anna@contoso.example" || len(res.Warnings) != 1 || res.Warnings[0].Code != "oauth.missing_scope" {
		t.Fatalf("authorized %+v", res)
	}
}

// TestUseCasesLogRedacted: the service logs what each use case did, for
// both front ends, and no token reaches the log.
func TestUseCasesLogRedacted(t *testing.T) {
	sb, s, logDir := sandboxService(t, nil)
	ctx := context.Background()
	if _, probs := s.Add(ctx, input(sb, "l", "anna@contoso.example"), ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if _, p := s.Authorize(ctx, "l", AuthorizeOptions{}); p != nil {
		t.Fatal(p)
	}
	if _, p := s.Check(ctx, nil, CheckOptions{}, nil); p != nil {
		t.Fatal(p)
	}
	tok, p := s.AccessToken(ctx, "l")
	if p != nil {
		t.Fatal(p)
	}
	data, err := os.ReadFile(filepath.Join(logDir, "mailoauth.log"))
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, want := range []string{"account added: l", "authorized l as anna@contoso.example", "check l imap: green", "access token handed out for l"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, secretValue := range append(sb.Identity.Issued(), tok) {
		if strings.Contains(log, secretValue) {
			t.Fatal("a token reached the log")
		}
	}
}

// TestOpenSaysWhyTheConfigFolderFails: a config folder that cannot be used
// is a problem with a fix, for the window's start as for the CLI.
func TestOpenSaysWhyTheConfigFolderFails(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", "")
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("MAILOAUTH_CONFIG_DIR", "")
	_, p := Open(Options{Secrets: &secret.Memory{}, LogDir: t.TempDir()})
	if p == nil || p.Code != "cli.config_dir" || p.Fix("en") == "" {
		t.Fatalf("Open without a home: %v", p)
	}
}

func TestParseFlags(t *testing.T) {
	if d, p := ParseTimeout("5s"); p != nil || d.Seconds() != 5 {
		t.Errorf("5s: %v %v", d, p)
	}
	for _, bad := range []string{"0s", "-1m", "soon"} {
		if _, p := ParseTimeout(bad); p == nil || p.Code != "cli.bad_duration" {
			t.Errorf("%q: %v", bad, p)
		}
	}
	if _, p := ParseParallel("1001"); p == nil {
		t.Error("1001 connections accepted")
	}
	// No --parallel is the operation's own default: a number here would
	// bound the watcher's accounts by the check run's connections.
	if n, p := ParseParallel(""); p != nil || n != 0 {
		t.Errorf("no --parallel: %d %v, want 0 (the operation's default)", n, p)
	}
	if _, p := ParseRefreshTokenBytes("8"); p == nil || p.Code != "cli.sandbox.refresh_token_bytes" {
		t.Errorf("8 bytes: %v", p)
	}
}

// TestTenantLookupTroubleKeepsTheAccount: when the identity platform has
// trouble (503, throttling) while a domain is looked up, the account is kept
// with the domain and a yellow note — it is no usage error and no reason to
// check the app registration.
func TestTenantLookupTroubleKeepsTheAccount(t *testing.T) {
	for _, status503 := range []int{503, 429} {
		sb, s, _ := sandboxService(t, nil)
		sb.Identity.SetFault(identity.Fault{Endpoint: "discovery", HTTPStatus: status503, Times: 1})
		in := input(sb, "d", "anna@contoso.example")
		in.Tenant = sb.Identity.Authority() + "/contoso.example/"
		saved, probs := s.Add(context.Background(), in, "")
		if len(probs) > 0 {
			t.Fatalf("%d: %v", status503, probs)
		}
		if saved.Note == nil || saved.Note.Level != status.Yellow || saved.Note.Code != "oauth.discovery.offline" || saved.Account.Tenant != "contoso.example" {
			t.Fatalf("%d: note %v, tenant %q", status503, saved.Note, saved.Account.Tenant)
		}
		if strings.Contains(saved.Note.Fix("en"), "registration") {
			t.Errorf("%d: the note sends the user to the app registration: %s", status503, saved.Note.Fix("en"))
		}
	}
}

// TestEditKeepsWhatInputDoesNotHold: an edit keeps the service principal's
// object ID (the Exchange script needs it) while the app stays the same,
// and drops it for another app.
func TestEditKeepsWhatInputDoesNotHold(t *testing.T) {
	sb, s, _ := sandboxService(t, nil)
	ctx := context.Background()
	in := input(sb, "e", "anna@contoso.example")
	if _, probs := s.Add(ctx, in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if p := s.store.Update(func() *Account { a, _ := s.store.Get("e"); a.ServicePrincipalID = "sp-object-id"; return a }()); p != nil {
		t.Fatal(p)
	}
	in.Login = "bernd@contoso.example"
	if _, probs := s.Update(ctx, in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if a, _ := s.Account("e"); a.ServicePrincipalID != "sp-object-id" {
		t.Fatalf("edit dropped the service principal ID: %+v", a)
	}
	in.ClientID = identity.ConfidentialClientID
	if _, probs := s.Update(ctx, in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	if a, _ := s.Account("e"); a.ServicePrincipalID != "" {
		t.Fatalf("another app kept the old service principal ID: %q", a.ServicePrincipalID)
	}
}

// TestRegisterAppOnlyStopsOnALockedKeyring: a keyring that cannot say
// whether the account has its secret stops app-only registration before
// the administrator signs in — no client secret is made that could not be
// stored.
func TestRegisterAppOnlyStopsOnALockedKeyring(t *testing.T) {
	sb, s, _ := sandboxService(t, &lockedReads{})
	_, probs := s.Register(context.Background(), RegisterRequest{
		AdminOptions: AdminOptions{Admin: "admin@contoso.example"},
		Tenant:       sb.Identity.Authority() + "/" + sb.Identity.TenantID() + "/",
		Flow:         "app",
		Account:      Input{Name: "alarm", Login: "alarm@contoso.example", IMAP: sb.Mail.IMAPAddr(), POP3: sb.Mail.POP3Addr(), SMTP: sb.Mail.SMTPAddr()},
	})
	if len(probs) != 1 || probs[0].Code != "secret.locked" {
		t.Fatalf("problems %v", probs)
	}
	if n := sb.Graph.AppCount("mailoauth"); n != 0 {
		t.Fatalf("%d registrations made with a locked keyring", n)
	}
}
