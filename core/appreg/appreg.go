// Package appreg creates, checks and repairs the Entra app registration a
// mailbox signs in with — through Microsoft Graph, after an administrator
// signed in once — instead of the dozen portal steps our users get wrong
// (a Web redirect, public client flows off, a permission missing or not
// consented). The administrator's Graph token lives in a Session for one
// operation only: never in the keyring, never on disk, never in output.
//
// Every operation reports progress through a callback and ends with its
// context, so the CLI and the window can both drive it.
package appreg

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/entra"
	"mailoauth/core/graph"
	"mailoauth/core/oauth"
	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// GraphCLIClientID is Microsoft Graph Command Line Tools, the public client
// Microsoft's own Graph PowerShell signs administrators in with: it exists
// in every tenant, so no registration is needed to make the first one.
const GraphCLIClientID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

// The resources whose permissions a registration asks for.
const (
	ExchangeAppID = "00000002-0000-0ff1-ce00-000000000000" // Office 365 Exchange Online
	GraphAppID    = "00000003-0000-0000-c000-000000000000" // Microsoft Graph
)

// DefaultName is the registration's display name when none is given.
const DefaultName = "mailoauth"

// Access says how much the administrator's token may do: the least each
// operation needs.
type Access int

// The levels of access.
const (
	ReadOnly     Access = iota // check: Application.Read.All, DelegatedPermissionGrant.Read.All
	Write                      // create/repair: Application.ReadWrite.All, DelegatedPermissionGrant.ReadWrite.All
	WriteAppOnly               // Write plus AppRoleAssignment.ReadWrite.All for app-only access
)

func (a Access) permissions() []string {
	switch a {
	case ReadOnly:
		return []string{"Application.Read.All", "DelegatedPermissionGrant.Read.All"}
	case WriteAppOnly:
		return []string{"Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "AppRoleAssignment.ReadWrite.All"}
	}
	return []string{"Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"}
}

// Options say where and how the administrator signs in.
type Options struct {
	Authority string // default https://login.microsoftonline.com
	Tenant    string // GUID or domain; default the administrator's domain
	Admin     string // the administrator's login, sent as login_hint
	// AdminClientID replaces Graph Command Line Tools, for organisations
	// that block it or require their own client.
	AdminClientID string
	// GraphURL replaces the Graph host of the cloud (or, for an authority
	// that is none of Microsoft's, the authority's own scheme/host/port).
	GraphURL string
	// Cloud is the tenant's cloud; nil takes the authority's. Two clouds
	// share a login host (GCC High and DoD) but not their Graph: only the
	// account (its mail servers) or --cloud tells DoD apart.
	Cloud *account.Cloud
	// Device signs the administrator in with a code on another device.
	Device bool
	HTTP   *http.Client
	// SignIn carries the front end's part of the sign-in (language, the
	// address to show, the browser, the device code display).
	SignIn oauth.SignInOptions
	// Progress is told each step (may be nil). It is called on the
	// operation's goroutine and must not block.
	Progress func(Progress)
	// ReplicationWait bounds the wait for new objects to reach every
	// Entra server (default 2 minutes); ReplicationBackoff is the first
	// pause between tries (default 2 s, doubling up to 15 s).
	ReplicationWait    time.Duration
	ReplicationBackoff time.Duration
}

// Progress is one step of an operation, for the front end to show.
type Progress struct {
	Step string // a catalogue key, e.g. "appreg.step.create_app"
	Args map[string]string
	// Waiting is set while the step waits for replication or throttling;
	// Elapsed says how long it has waited so far.
	Waiting bool
	Elapsed time.Duration
}

func (o *Options) progress(step string, args ...string) {
	if o.Progress == nil {
		return
	}
	p := Progress{Step: step}
	if len(args) > 0 {
		p.Args = map[string]string{}
		for i := 0; i+1 < len(args); i += 2 {
			p.Args[args[i]] = args[i+1]
		}
	}
	o.Progress(p)
}

func (o *Options) authority() string {
	if o.Authority == "" {
		return "https://" + account.GlobalCloud().LoginHost
	}
	return strings.TrimSuffix(o.Authority, "/")
}

func (o *Options) cloud() account.Cloud {
	if o.Cloud != nil {
		return *o.Cloud
	}
	return account.CloudOf(o.authority())
}

func (o *Options) adminClient() string {
	if o.AdminClientID != "" {
		return o.AdminClientID
	}
	return GraphCLIClientID
}

func (o *Options) tenant() string {
	if o.Tenant != "" {
		return o.Tenant
	}
	if t := AdminTenant(o.Admin); t != "" {
		return t
	}
	return "organizations"
}

// AdminTenant is the tenant an administrator's login names when no tenant
// is given: the domain after the @ ("" when there is none). Front ends
// that check a tenant before the sign-in use it too, so both agree.
func AdminTenant(admin string) string {
	if at := strings.LastIndexByte(admin, '@'); at > 0 {
		return admin[at+1:]
	}
	return ""
}

// microsoftLogin says whether the authority is one of Microsoft's sign-in
// hosts (then Graph is the cloud's), or a stand-in.
func microsoftLogin(authority string) bool {
	u, err := url.Parse(authority)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, c := range account.Clouds {
		if c.LoginHost == host || slices.Contains(c.OtherLoginHosts, host) {
			return true
		}
	}
	return false
}

// GraphEndpoints are where Graph answers for an authority of a cloud and
// which resource the administrator's token is for. A stand-in (an
// authority on none of Microsoft's login hosts) serves Graph on its own
// scheme, host and port, and plays the global cloud; override wins over
// both.
func GraphEndpoints(cloud account.Cloud, authority, override string) (baseURL, resource string) {
	resource = "https://" + cloud.GraphHost
	switch {
	case override != "":
		baseURL = strings.TrimSuffix(override, "/")
	case microsoftLogin(authority):
		baseURL = resource
	default:
		u, err := url.Parse(authority)
		if err == nil {
			baseURL = u.Scheme + "://" + u.Host
		}
	}
	return baseURL, resource
}

// Session is a signed-in administrator: a Graph client with the token in
// memory, the tenant's GUID and the administrator's name. Drop it when the
// operation ends.
type Session struct {
	Graph     *graph.Client
	TenantID  string
	Admin     string
	Authority string
	Access    Access
	opts      *Options
}

// SignIn signs the administrator in (browser with PKCE over the loopback
// listener, or device code) for the Graph permissions the access level
// needs. No refresh token is asked for: the session ends with the
// operation.
func SignIn(ctx context.Context, opts *Options, access Access) (*Session, *status.Problem) {
	if opts.GraphURL != "" {
		if u, err := url.Parse(opts.GraphURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, status.New(status.Red, "graph.bad_url", "url", opts.GraphURL)
		}
	}
	if opts.AdminClientID != "" {
		if _, p := account.ParseClientID(opts.AdminClientID); p != nil {
			return nil, p
		}
	}
	base, resource := GraphEndpoints(opts.cloud(), opts.authority(), opts.GraphURL)
	var scopes []string
	for _, p := range access.permissions() {
		scopes = append(scopes, resource+"/"+p)
	}
	cfg := &oauth.Config{Authority: opts.authority(), Tenant: opts.tenant(), ClientID: opts.adminClient(),
		Scopes: append(scopes, "openid", "profile"), LoginHint: opts.Admin, HTTPClient: opts.HTTP}
	opts.progress("appreg.step.sign_in", "client", opts.adminClient())
	var tok *oauth.Token
	var p *status.Problem
	if opts.Device {
		tok, p = oauth.SignInDevice(ctx, cfg, opts.SignIn.OnDeviceCode)
	} else {
		tok, p = oauth.SignIn(ctx, cfg, opts.SignIn)
	}
	if p != nil {
		return nil, adminSignInProblem(p, cfg, opts)
	}
	redact.Add(tok.AccessToken, tok.IDToken)
	claims, err := oauth.DecodeClaims(tok.AccessToken)
	if err != nil {
		return nil, status.New(status.Red, "appreg.admin_token").WithDetail(redact.String(err.Error()))
	}
	return &Session{
		Graph:    &graph.Client{BaseURL: base, Token: tok.AccessToken, HTTP: opts.HTTP, OnWait: throttled(opts)},
		TenantID: claims.TID, Admin: claims.User(), Authority: opts.authority(), Access: access, opts: opts,
	}, nil
}

func throttled(opts *Options) func(int, time.Duration) {
	return func(code int, d time.Duration) {
		if opts.Progress != nil {
			opts.Progress(Progress{Step: "appreg.step.throttled", Args: map[string]string{"wait": d.Round(time.Second).String()}, Waiting: true})
		}
	}
}

// adminSignInProblem explains the sign-in failures that are about the
// administrators' client itself, not about the app being made: a tenant
// that does not let admins consent to it, or that blocks it by assignment
// or Conditional Access. The way out is the tenant's own admin client.
func adminSignInProblem(p *status.Problem, cfg *oauth.Config, opts *Options) *status.Problem {
	e, ok := entra.AsError(p)
	if !ok {
		return p
	}
	client := cfg.ClientID
	switch e.AADSTS {
	case 65001, 90094:
		q := status.New(status.Red, "appreg.admin_client_consent", "client", client).WithDetail(p.Detail).Wrap(e)
		// Our own address, not an echoed value: it must stay whole to be opened.
		q.Args["url"] = cfg.AdminConsentURL("http://localhost", "")
		return q
	case 50105:
		return status.New(status.Red, "appreg.admin_client_assignment", "client", client).WithDetail(p.Detail).Wrap(e)
	case 53003:
		return status.New(status.Red, "appreg.admin_client_blocked", "client", client).WithDetail(p.Detail).Wrap(e)
	}
	return p
}

// AdminClientRefused says whether p is the tenant refusing the
// administrators' client itself (adminSignInProblem): the way out is the
// organisation's own admin client (--admin-client-id), which a front end
// then offers.
func AdminClientRefused(p *status.Problem) bool {
	if p == nil {
		return false
	}
	switch p.Code {
	case "appreg.admin_client_consent", "appreg.admin_client_assignment", "appreg.admin_client_blocked":
		return true
	}
	return false
}

// deniedProblem says which role the step needs. Creating apps, consenting
// for the organisation to delegated permissions and assigning Exchange
// Online's app roles are all within Application Administrator or Cloud
// Application Administrator; only Microsoft Graph's own app roles would
// need Privileged Role Administrator or Global Administrator, and we ask
// for none of those.
func (s *Session) deniedProblem(step string, err error) *status.Problem {
	e, _ := graph.AsError(err)
	p := status.New(status.Red, "appreg.denied."+step, "admin", s.Admin)
	if e != nil {
		p.WithDetail(e.Detail())
	}
	return p.Wrap(err)
}

// fail maps an error of a step to a problem: the role message for
// Authorization_RequestDenied, Graph's generic problems otherwise.
func (s *Session) fail(step string, err error) *status.Problem {
	if err == nil {
		return nil
	}
	var rt *replicationTimeout
	if errors.As(err, &rt) {
		return status.New(status.Yellow, "appreg.replication_timeout", "wait", rt.limit.String()).Wrap(rt.err)
	}
	if graph.Is(err, graph.CodeDenied) {
		return s.deniedProblem(step, err)
	}
	return graph.ProblemOf(err)
}
