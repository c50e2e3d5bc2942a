package appreg

import (
	"context"
	"slices"
	"strings"
	"time"

	"mailoauth/core/graph"
	"mailoauth/core/status"
)

// state is what the tenant holds for one registration.
type state struct {
	app         *Application // nil: not in this tenant (deleted, another tenant's, or none)
	deleted     *Application // in the deleted items, restorable with its client ID
	sp          *ServicePrincipal
	grants      []permissionGrant
	assignments []roleAssignment
	byClientID  bool // looked up by client ID (else by name)
}

// Found is an existing registration that matched by name.
type Found struct {
	Name     string
	ClientID string
}

// find reads the registration: by client ID when one is known, else by
// display name (confirm decides whether a registration of that name is
// the one to reuse; nil reuses it).
func (s *Session) find(ctx context.Context, clientID, name string, confirm func(Found) bool) (*state, *status.Problem) {
	st := &state{byClientID: clientID != ""}
	var apps list[Application]
	if clientID != "" {
		if err := s.Graph.Get(ctx, "/applications"+graph.Filter("appId", clientID), &apps); err != nil {
			return nil, s.fail("read", err)
		}
	} else {
		if err := s.Graph.Get(ctx, "/applications"+graph.Filter("displayName", name), &apps); err != nil {
			return nil, s.fail("read", err)
		}
		if len(apps.Value) > 1 {
			var ids []string
			for _, a := range apps.Value {
				ids = append(ids, a.AppID)
			}
			return nil, status.New(status.Red, "appreg.ambiguous", "name", name, "ids", strings.Join(ids, ", "))
		}
		if len(apps.Value) == 1 && confirm != nil && !confirm(Found{Name: name, ClientID: apps.Value[0].AppID}) {
			return nil, status.New(status.Yellow, "appreg.reuse_declined", "name", name, "client", apps.Value[0].AppID)
		}
	}
	if len(apps.Value) > 0 {
		st.app = &apps.Value[0]
		clientID = st.app.AppID
	} else if clientID != "" {
		var del list[Application]
		if err := s.Graph.Get(ctx, "/directory/deletedItems/microsoft.graph.application"+graph.Filter("appId", clientID), &del); err != nil {
			return nil, s.fail("read", err)
		}
		if len(del.Value) > 0 {
			st.deleted = &del.Value[0]
		}
	}
	if clientID == "" {
		return st, nil
	}
	return st, s.readPrincipal(ctx, st, clientID)
}

func (s *Session) readPrincipal(ctx context.Context, st *state, clientID string) *status.Problem {
	sp, err := s.servicePrincipal(ctx, clientID)
	if err != nil {
		return s.fail("read", err)
	}
	st.sp = sp
	if sp == nil {
		return nil
	}
	var gl list[permissionGrant]
	if err := s.Graph.Get(ctx, "/oauth2PermissionGrants"+graph.Filter("clientId", sp.ID), &gl); err != nil {
		return s.fail("read", err)
	}
	st.grants = gl.Value
	var al list[roleAssignment]
	if err := s.Graph.Get(ctx, "/servicePrincipals/"+sp.ID+"/appRoleAssignments", &al); err != nil {
		return s.fail("read", err)
	}
	st.assignments = al.Value
	return nil
}

// Fault codes, each a catalogue key "appreg.fault.<code>" with its fix.
const (
	FaultNotFound         = "not_found"
	FaultDeleted          = "deleted"
	FaultRedirectMissing  = "redirect_missing"
	FaultRedirectWeb      = "redirect_web"
	FaultPublicFlowsOff   = "public_flows_off"
	FaultPermission       = "permission_missing"
	FaultConsent          = "consent_missing"
	FaultNoSP             = "no_service_principal"
	FaultMultiTenantNoSP  = "multitenant_no_sp"
	FaultNoEnterpriseApp  = "no_enterprise_app" // a client ID with nothing in this tenant: another organisation's app, or none
	FaultDisabled         = "disabled"
	FaultRole             = "role_missing"
	FaultSecretMissing    = "secret_missing"
	FaultSecretExpired    = "secret_expired"
	FaultSecretExpiring   = "secret_expiring"
	defaultSecretLifetime = 365 * 24 * time.Hour
)

// SecretRenewBefore is how long before its end a client secret counts as
// expiring: the check warns, the repair adds a new one, and a secret held
// by another account is not reused for a new one.
const SecretRenewBefore = 30 * 24 * time.Hour

// Finding is one fault of a registration: a problem with its text and fix,
// and whether mailoauth can repair it through Graph.
type Finding struct {
	Fault      string
	Problem    *status.Problem
	Repairable bool
}

// Report is the outcome of a check.
type Report struct {
	Name               string
	ClientID           string
	TenantID           string
	ServicePrincipalID string
	Findings           []Finding
}

// Level is the worst level of the findings (green when there are none).
func (r *Report) Level() status.Level {
	l := status.Green
	for _, f := range r.Findings {
		l = status.Worst(l, f.Problem.Level)
	}
	return l
}

func finding(fault string, level status.Level, repairable bool, args ...string) Finding {
	return Finding{Fault: fault, Problem: status.New(level, "appreg.fault."+fault, args...), Repairable: repairable}
}

func hasAccess(app *Application, res *ServicePrincipal, typ, name string) bool {
	for _, rr := range app.RequiredResourceAccess {
		if rr.ResourceAppID != res.AppID {
			continue
		}
		for _, ra := range rr.ResourceAccess {
			if ra.Type != typ {
				continue
			}
			if typ == "Scope" && res.scopeName(ra.ID) == name || typ == "Role" && res.roleName(ra.ID) == name {
				return true
			}
		}
	}
	return false
}

// findings lists every fault of the registration against what mailoauth
// needs. The mail permissions count under Office 365 Exchange Online (where
// we put them) and under Microsoft Graph (where Microsoft's guide tells
// admins to add them): Entra issues the Exchange token for either.
func findings(w Want, st *state, r *resources, now time.Time) []Finding {
	var out []Finding
	app := st.app
	switch {
	case app == nil && st.deleted != nil:
		return []Finding{finding(FaultDeleted, status.Red, true, "name", st.deleted.DisplayName)}
	case app == nil && st.sp == nil && st.byClientID:
		// Graph offers no look-up of another organisation's apps: whether
		// the client ID is a multi-tenant app of another organisation (it
		// needs a service principal here before anyone can sign in with it)
		// or none at all only shows when the repair tries to create that
		// service principal.
		return []Finding{finding(FaultNoEnterpriseApp, status.Red, true)}
	case app == nil && st.sp == nil:
		return []Finding{finding(FaultNotFound, status.Red, false)}
	}
	if app != nil && !w.appOnly() {
		for _, uri := range w.redirects() {
			switch {
			case slices.Contains(app.PublicClient.RedirectURIs, uri):
			case slices.Contains(app.Web.RedirectURIs, uri):
				out = append(out, finding(FaultRedirectWeb, status.Red, true, "uri", uri))
			default:
				out = append(out, finding(FaultRedirectMissing, status.Red, true, "uri", uri))
			}
		}
		if app.IsFallbackPublicClient == nil || !*app.IsFallbackPublicClient {
			out = append(out, finding(FaultPublicFlowsOff, status.Red, true))
		}
	}
	typ := "Scope"
	if w.appOnly() {
		typ = "Role"
	}
	if app != nil {
		for _, perm := range w.mailPermissions() {
			if !hasAccess(app, r.exchange, typ, perm) && (w.appOnly() || !hasAccess(app, r.graph, typ, perm)) {
				out = append(out, finding(FaultPermission, status.Red, true, "permission", perm))
			}
		}
	}
	if st.sp == nil {
		if app != nil && app.SignInAudience != "AzureADMyOrg" && app.SignInAudience != "" {
			return append(out, finding(FaultMultiTenantNoSP, status.Red, true))
		}
		return append(out, finding(FaultNoSP, status.Red, true))
	}
	if !st.sp.AccountEnabled {
		out = append(out, finding(FaultDisabled, status.Red, true))
	}
	for _, perm := range w.mailPermissions() {
		if w.appOnly() {
			if !st.hasRole(r.exchange, perm) {
				out = append(out, finding(FaultRole, status.Red, true, "permission", perm))
			}
		} else if !st.consented(r, perm) {
			out = append(out, finding(FaultConsent, status.Red, true, "permission", perm))
		}
	}
	if w.appOnly() && app != nil {
		out = append(out, secretFindings(app, now)...)
	}
	return out
}

func (st *state) consented(r *resources, perm string) bool {
	for _, g := range st.grants {
		if g.ConsentType != "AllPrincipals" || (g.ResourceID != r.exchange.ID && g.ResourceID != r.graph.ID) {
			continue
		}
		if slices.Contains(strings.Fields(g.Scope), perm) {
			return true
		}
	}
	return false
}

func (st *state) hasRole(res *ServicePrincipal, role string) bool {
	id := res.roleID(role)
	for _, a := range st.assignments {
		if a.ResourceID == res.ID && strings.EqualFold(a.AppRoleID, id) {
			return true
		}
	}
	return false
}

// bestSecret is the client secret that lasts longest.
func bestSecret(app *Application) (time.Time, bool) {
	var end time.Time
	for _, p := range app.PasswordCredentials {
		if p.EndDateTime.After(end) {
			end = p.EndDateTime
		}
	}
	return end, len(app.PasswordCredentials) > 0
}

func secretFindings(app *Application, now time.Time) []Finding {
	end, has := bestSecret(app)
	switch {
	case !has:
		return []Finding{finding(FaultSecretMissing, status.Red, true)}
	case !end.After(now):
		return []Finding{finding(FaultSecretExpired, status.Red, true, "date", end.Format("2006-01-02"))}
	case end.Sub(now) < SecretRenewBefore:
		// Still works: the user must act soon, nothing is broken yet.
		return []Finding{finding(FaultSecretExpiring, status.Yellow, true, "date", end.Format("2006-01-02"))}
	}
	return nil
}

// Check reads the registration (by client ID, else by the wanted name) and
// lists each fault with its fix. It changes nothing.
func (s *Session) Check(ctx context.Context, w Want, clientID string) (*Report, *status.Problem) {
	s.opts.progress("appreg.step.read", "name", w.Name, "client", clientID)
	r, p := s.resources(ctx)
	if p != nil {
		return nil, p
	}
	st, p := s.find(ctx, clientID, w.Name, nil)
	if p != nil {
		return nil, p
	}
	rep := &Report{Name: w.Name, ClientID: clientID, TenantID: s.TenantID}
	if st.app != nil {
		rep.Name, rep.ClientID = st.app.DisplayName, st.app.AppID
	}
	if st.sp != nil {
		rep.ServicePrincipalID = st.sp.ID
		rep.ClientID = st.sp.AppID
		if st.app == nil {
			// Another organisation's app: its enterprise application bears its name.
			rep.Name = st.sp.DisplayName
		}
	}
	rep.Findings = findings(w, st, r, time.Now())
	return rep, nil
}
