package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/appreg"
	"mailoauth/core/card"
	"mailoauth/core/oauth"
	"mailoauth/core/secret"
	"mailoauth/core/status"
)

// RegisterProgress is one step of creating, checking or repairing an app
// registration: Step is a catalogue key with Args; Waiting while Entra
// replicates or Graph throttles.
type RegisterProgress = appreg.Progress

// AppFinding is one fault of an app registration with its text and fix.
type AppFinding = appreg.Finding

// AdminClientRefused says the tenant refused the administrators' client
// itself (AADSTS65001, 50105, 53003): a front end offers the field for the
// organisation's own admin client (AdminOptions.AdminClientID).
func AdminClientRefused(p *status.Problem) bool { return appreg.AdminClientRefused(p) }

// AdminOptions say how the administrator signs in to Microsoft Graph.
type AdminOptions struct {
	BrowserOptions
	Admin         string // login_hint
	AdminClientID string // "" = Microsoft Graph Command Line Tools
	GraphURL      string // "" = the cloud's Graph (or the stand-in's host)
	// Cloud is --cloud: "" takes the tenant's login host's cloud, or, for
	// an account's registration, the account's (DoD shares GCC High's
	// login host, not its Graph).
	Cloud        string
	Device       bool // sign in with a code on another device
	OnDeviceCode func(DeviceCode)
	Progress     func(RegisterProgress)
}

func (s *Service) adminOptions(authority, tenant string, cloud *account.Cloud, o AdminOptions) *appreg.Options {
	opts := &appreg.Options{Authority: authority, Tenant: tenant, Admin: o.Admin, AdminClientID: o.AdminClientID,
		GraphURL: o.GraphURL, Cloud: cloud, Device: o.Device, HTTP: s.http, SignIn: s.signInOptions(o.BrowserOptions), Progress: o.Progress}
	if o.OnDeviceCode != nil {
		opts.SignIn.OnDeviceCode = func(d *oauth.DeviceCode) {
			o.OnDeviceCode(DeviceCode{Code: d.UserCode, URL: d.VerificationURI, Expires: d.Expires})
		}
	}
	return opts
}

// RegisterRequest is `mailoauth register` and the wizard's "Create the app
// registration for me".
type RegisterRequest struct {
	AdminOptions
	Name     string // display name, default mailoauth
	Tenant   string // GUID, domain or login URL; default the administrator's domain
	Flow     string // what the new app is for: browser, device (public client) or app (app-only)
	Redirect string // loopback (default) or nativeclient
	// Off lists protocols the app needs no permission for.
	Off []Protocol
	// ClientID names an existing registration to repair.
	ClientID string
	// ConfirmReuse is asked before a registration found by name is reused.
	ConfirmReuse func(name, clientID string) bool
	// Account, if its Name is set, is created (or updated) with the new
	// tenant and client ID; Login, Mailbox and servers as for Add. App-only
	// needs it, or HoldSecret: the client secret goes straight into its
	// keyring entry.
	Account Input
	// HoldSecret lets an app-only registration go without Account: its
	// client secret is held in memory until Add, AddMailboxes or Update
	// saves an account with the new tenant and client ID (the wizard adds
	// the account only at its mailbox step).
	HoldSecret bool
}

// Registered is what Register made.
type Registered struct {
	Name, TenantID, ClientID, ServicePrincipalID string
	Created, Restored                            bool
	Repaired                                     []string // faults of an existing registration that were fixed
	SecretExpires                                time.Time
	Account                                      *Account // nil when no account was asked for
	// ExchangeScript is, for app-only access, the Exchange Online
	// PowerShell with the real service principal's object ID: Exchange's
	// side has no Graph API and needs an Exchange administrator.
	ExchangeScript string
	// SecretHeld: a client secret waits in memory for the account with
	// this tenant and client ID (HoldSecret); none needs to be typed.
	SecretHeld bool
	// SecretAdded: a new client secret was made in Entra. SecretFrom names
	// the account whose secret of the same app is used instead (none was
	// made).
	SecretAdded bool
	SecretFrom  string
}

func (r RegisterRequest) want(name string) (appreg.Want, *status.Problem) {
	flow, p := account.ParseFlow(r.Flow)
	if p != nil {
		return appreg.Want{}, p
	}
	redir, p := account.ParseRedirect(r.Redirect)
	if p != nil {
		return appreg.Want{}, p
	}
	w := appreg.Want{Name: name, Flow: flow, NativeClient: redir == account.RedirectNativeClient}
	for _, pr := range account.Protocols {
		if !slices.Contains(r.Off, pr) {
			w.Protocols = append(w.Protocols, pr)
		}
	}
	if len(w.Protocols) == 0 {
		return w, status.New(status.Red, "appreg.no_protocol")
	}
	return w, nil
}

// Register signs the administrator in, creates (or finds and repairs) the
// app registration, and, when asked, sets the account up with it. The
// administrator's token is dropped when it returns.
func (s *Service) Register(ctx context.Context, r RegisterRequest) (*Registered, []*status.Problem) {
	one := func(p *status.Problem) []*status.Problem { return []*status.Problem{p} }
	name := strings.TrimSpace(r.Name)
	if name == "" {
		name = appreg.DefaultName
	}
	w, p := r.want(name)
	if p != nil {
		return nil, one(p)
	}
	tenantIn := r.Tenant
	if tenantIn == "" {
		// Checked here, before the administrator signs in.
		tenantIn = appreg.AdminTenant(r.Admin)
	}
	authority, tenant := "", ""
	if tenantIn != "" {
		if authority, tenant, p = account.ParseTenant(tenantIn); p != nil {
			return nil, one(p)
		}
	}
	cloud, p := account.ParseCloud(r.Cloud)
	if p != nil {
		return nil, one(p)
	}
	if r.Account.Cloud == "" {
		// The account's servers follow the cloud the app was made in.
		r.Account.Cloud = r.Cloud
	}
	acctName := strings.TrimSpace(r.Account.Name)
	hold := w.Flow == account.FlowApp && acctName == "" && r.HoldSecret
	if w.Flow == account.FlowApp && acctName == "" && !hold {
		return nil, one(status.New(status.Red, "appreg.secret_nowhere"))
	}
	var existing *Account
	if acctName != "" {
		// Check the account's fields before the administrator signs in, so
		// a typo does not cost a sign-in.
		in := r.registeredInput(w, authority, tenantOr(tenant), "00000000-0000-0000-0000-000000000000")
		if _, probs := in.Build(); len(probs) > 0 {
			return nil, probs
		}
		existing, _ = s.store.Get(acctName)
	}
	access := appreg.Write
	if w.Flow == account.FlowApp {
		access = appreg.WriteAppOnly
	}
	// App-only: does the account's keyring entry hold a secret already? A
	// keyring that cannot say (locked, unreachable) stops here, before the
	// administrator signs in: taking it for "none" would add a client
	// secret in Entra that could not be stored, on every try.
	needSecret := false
	if w.Flow == account.FlowApp && !hold {
		_, err := s.secrets.Get(ctx, secret.ClientSecretKey(acctName))
		switch {
		case secret.IsNotFound(err):
			needSecret = true
		case err != nil:
			return nil, one(problemOf(err))
		}
	}
	sess, p := appreg.SignIn(ctx, s.adminOptions(authority, tenant, cloud, r.AdminOptions), access)
	if p != nil {
		return nil, one(p)
	}
	eo := appreg.EnsureOptions{ClientID: r.ClientID}
	if r.ClientID == "" && existing != nil && existing.Tenant == sess.TenantID {
		// The account's own client ID: if its app is gone for good, a new
		// registration takes its place.
		eo.ClientID, eo.NewIfGone = existing.ClientID, true
	}
	if r.ConfirmReuse != nil {
		eo.ConfirmReuse = func(f appreg.Found) bool { return r.ConfirmReuse(f.Name, f.ClientID) }
	}
	secretStored := false
	var heldSecret, reusedFrom string
	var reusedExpires time.Time
	switch {
	case hold:
		// A secret in Entra cannot be read back: only one held from an
		// earlier run of this registration, or another account's of the
		// same app, spares a new one.
		eo.KnownSecret = func(ctx context.Context, clientID string) (bool, *status.Problem) {
			if _, had := s.heldFor(sess.TenantID, clientID); had {
				return true, nil
			}
			v, from, exp, p := s.knownSecret(ctx, sess.TenantID, clientID, "")
			if p != nil || from == "" {
				return false, p
			}
			heldSecret, reusedFrom, reusedExpires = v, from, exp
			return true, nil
		}
		eo.SaveSecret = func(_ context.Context, v string, _ time.Time) error {
			heldSecret = v
			return nil
		}
	case w.Flow == account.FlowApp:
		eo.SaveSecret = func(ctx context.Context, v string, _ time.Time) error {
			if err := s.secrets.Set(ctx, secret.ClientSecretKey(acctName), v); err != nil {
				return err
			}
			secretStored = true
			return nil
		}
		if needSecret {
			// The account has none: another account's of the same app
			// goes into its entry, rather than a new one in Entra.
			eo.KnownSecret = func(ctx context.Context, clientID string) (bool, *status.Problem) {
				v, from, exp, p := s.knownSecret(ctx, sess.TenantID, clientID, acctName)
				if p != nil || from == "" {
					return false, p
				}
				if err := eo.SaveSecret(ctx, v, exp); err != nil {
					return false, problemOf(err)
				}
				reusedFrom, reusedExpires = from, exp
				return true, nil
			}
		}
	}
	res, p := sess.Ensure(ctx, w, eo)
	if p != nil {
		return nil, one(p)
	}
	if reusedFrom != "" && !reusedExpires.IsZero() {
		// The reused secret's own end, not the longest one in Entra.
		res.SecretExpires = reusedExpires
	}
	s.log.Printf("app registration %s (%s) in %s: created=%v repaired=%v secret added=%v reused from %q", res.Name, res.ClientID, res.TenantID,
		res.Created, res.Repaired, res.SecretAdded, reusedFrom)
	out := &Registered{Name: res.Name, TenantID: res.TenantID, ClientID: res.ClientID, ServicePrincipalID: res.ServicePrincipalID,
		Created: res.Created, Restored: res.Restored, Repaired: res.Repaired, SecretExpires: res.SecretExpires,
		SecretAdded: res.SecretAdded, SecretFrom: reusedFrom}
	if hold {
		s.hold(res.TenantID, res.ClientID, heldSecret, res.ServicePrincipalID, res.SecretExpires)
		_, out.SecretHeld = s.heldFor(res.TenantID, res.ClientID)
	}
	if acctName == "" {
		return out, nil
	}
	a, probs := s.saveRegistered(ctx, r.registeredInput(w, sess.Authority, res.TenantID, res.ClientID), existing, res, secretStored)
	if len(probs) > 0 {
		return out, probs
	}
	out.Account = a
	if a.Flow == account.FlowApp {
		out.ExchangeScript = card.ExchangePowerShell(a, s.lang)
	}
	return out, nil
}

func tenantOr(t string) string {
	if t == "" {
		return "organizations"
	}
	return t
}

// registeredInput is the account as the registration sets it up.
func (r RegisterRequest) registeredInput(w appreg.Want, authority, tenant, clientID string) Input {
	in := r.Account
	in.Name = strings.TrimSpace(in.Name)
	in.Tenant = tenant
	if authority != "" && authority != "https://"+account.GlobalCloud().LoginHost {
		in.Tenant = strings.TrimSuffix(authority, "/") + "/" + tenant + "/"
	}
	in.ClientID = clientID
	in.Flow = string(w.Flow)
	in.Redirect = r.Redirect
	for _, p := range r.Off {
		switch p {
		case account.IMAP:
			in.IMAP = "off"
		case account.POP3:
			in.POP3 = "off"
		case account.SMTP:
			in.SMTP = "off"
		}
	}
	return in
}

// saveRegistered adds or updates the account with the registration's
// tenant, client ID, service principal and secret date.
func (s *Service) saveRegistered(ctx context.Context, in Input, old *Account, res *appreg.Result, secretStored bool) (*Account, []*status.Problem) {
	a, _, probs := s.build(ctx, in)
	if len(probs) > 0 {
		return nil, probs
	}
	if old != nil {
		a.KeepFrom(old)
	}
	a.ServicePrincipalID = res.ServicePrincipalID
	if a.Flow == account.FlowApp {
		a.HasClientSecret = secretStored || old != nil && old.HasClientSecret
		a.ClientSecretExpires = res.SecretExpires
	}
	var p *status.Problem
	if old != nil {
		p = s.store.Update(a)
	} else {
		p = s.store.Add(a)
	}
	if p != nil {
		return nil, []*status.Problem{p}
	}
	s.log.Printf("account %s set up with app registration %s", a.Name, a.ClientID)
	return a, nil
}

// AppCheckRequest is `mailoauth app check` and the account's "Check app
// registration".
type AppCheckRequest struct {
	AdminOptions
	// Account names the account whose registration is checked; else
	// ClientID and Tenant say which, and Flow what it is for.
	Account          string
	ClientID, Tenant string
	Flow             string
	// Repair fixes what Graph allows (it asks the administrator for write
	// permissions instead of read-only ones).
	Repair bool
}

// AppChecked is the outcome of a check (and repair).
type AppChecked struct {
	Name, ClientID, TenantID string
	Level                    status.Level
	Findings                 []AppFinding // before any repair
	Repaired                 []string     // faults fixed
	Remaining                []AppFinding // after the repair (only with Repair)
}

// CheckApp reads the registration and lists each fault with its fix; with
// Repair it fixes them and checks again.
func (s *Service) CheckApp(ctx context.Context, r AppCheckRequest) (*AppChecked, *status.Problem) {
	var w appreg.Want
	var authority, tenant, clientID string
	var acct *Account
	cloud, p := account.ParseCloud(r.Cloud)
	if p != nil {
		return nil, p
	}
	if r.Account != "" {
		a, p := s.store.Get(r.Account)
		if p != nil {
			return nil, p
		}
		acct = a
		authority, tenant, clientID = a.Authority, a.Tenant, a.ClientID
		if cloud == nil {
			c := a.Cloud()
			cloud = &c
		}
		w = appreg.Want{Flow: a.Flow, Protocols: a.EnabledProtocols(), NativeClient: a.Redirect == account.RedirectNativeClient}
	} else {
		var p *status.Problem
		if clientID, p = account.ParseClientID(r.ClientID); p != nil {
			return nil, p
		}
		if authority, tenant, p = account.ParseTenant(r.Tenant); p != nil {
			return nil, p
		}
		flow, p := account.ParseFlow(r.Flow)
		if p != nil {
			return nil, p
		}
		w = appreg.Want{Flow: flow, Protocols: account.Protocols}
	}
	access := appreg.ReadOnly
	if r.Repair {
		access = appreg.Write
		if w.Flow == account.FlowApp {
			access = appreg.WriteAppOnly
		}
	}
	sess, p := appreg.SignIn(ctx, s.adminOptions(authority, tenant, cloud, r.AdminOptions), access)
	if p != nil {
		return nil, p
	}
	rep, p := sess.Check(ctx, w, clientID)
	if p != nil {
		return nil, p
	}
	out := &AppChecked{Name: rep.Name, ClientID: rep.ClientID, TenantID: rep.TenantID, Findings: rep.Findings, Level: rep.Level()}
	if !r.Repair || len(rep.Findings) == 0 {
		return out, nil
	}
	eo := appreg.EnsureOptions{ClientID: clientID}
	if w.Flow == account.FlowApp {
		if acct == nil {
			return nil, status.New(status.Red, "appreg.secret_nowhere")
		}
		eo.SaveSecret = func(ctx context.Context, v string, _ time.Time) error {
			return s.secrets.Set(ctx, secret.ClientSecretKey(acct.Name), v)
		}
	}
	w.Name = rep.Name
	res, p := sess.Ensure(ctx, w, eo)
	if p != nil {
		return out, p
	}
	out.Repaired = res.Repaired
	if acct != nil && (res.ServicePrincipalID != acct.ServicePrincipalID || res.SecretAdded) {
		acct.ServicePrincipalID = res.ServicePrincipalID
		if res.SecretAdded {
			acct.HasClientSecret, acct.ClientSecretExpires = true, res.SecretExpires
		}
		if p := s.store.Update(acct); p != nil {
			return out, p
		}
	}
	after, p := sess.Check(ctx, w, res.ClientID)
	if p != nil {
		return out, p
	}
	out.Remaining, out.Level = after.Findings, after.Level()
	if out.Name == "" {
		out.Name = after.Name // another organisation's app, named once brought in
	}
	s.log.Printf("app registration %s repaired: %v", res.ClientID, res.Repaired)
	return out, nil
}
