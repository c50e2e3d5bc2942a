package appreg

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"mailoauth/core/entra"
	"mailoauth/core/graph"
	"mailoauth/core/oauth"
	"mailoauth/core/redact"
	"mailoauth/core/status"
)

// Result is what Ensure made or repaired. It never holds the client
// secret: that went to the SaveSecret callback only.
type Result struct {
	Name               string
	TenantID           string
	ClientID           string
	ObjectID           string // the app registration's object ID
	ServicePrincipalID string // the Enterprise application's object ID (Exchange's New-ServicePrincipal wants this one)
	Created            bool
	Restored           bool
	Repaired           []string // the faults that were found and fixed
	SecretExpires      time.Time
	SecretAdded        bool
}

// EnsureOptions are the parts of a create or repair beyond the Want.
type EnsureOptions struct {
	// ClientID names the registration to repair; "" looks it up by name.
	ClientID string
	// ConfirmReuse is asked before a registration found by name is reused
	// (nil: reuse it).
	ConfirmReuse func(Found) bool
	// SaveSecret receives a new client secret (app-only) and its end; it
	// puts it straight into the keyring. An error stops the operation.
	SaveSecret func(ctx context.Context, secret string, expires time.Time) error
	// NeedSecret forces a new client secret (the keyring has none).
	NeedSecret bool
	// KnownSecret, when set, is asked — with the client ID of the
	// registration once it is found — whether mailoauth already holds a
	// client secret of it (another account's keyring entry, one held from
	// an earlier run). A secret in Entra cannot be read back, so without
	// one known here a new one is added; with one, none is. It is asked
	// only when the app has a secret in Entra that lasts 30 days or more.
	KnownSecret func(ctx context.Context, clientID string) (bool, *status.Problem)
	// SecretLifetime is the new secret's lifetime (default 12 months).
	SecretLifetime time.Duration
	// NewIfGone lets a new registration replace a ClientID that no
	// organisation has (an account's client ID whose app was deleted for
	// good); without it such a client ID is an error to check.
	NewIfGone bool
}

// Ensure makes the registration right: it finds the existing one (by
// client ID, or by name) or creates it, and then brings every part to what
// w needs — redirects on the "Mobile and desktop" platform, public client
// flows, the permissions looked up by name on the resources, the service
// principal, the organisation-wide consent, for app-only the app role
// assignments and a client secret — and waits until Entra's sign-in
// servers know the app. Running it again changes nothing that is right.
func (s *Session) Ensure(ctx context.Context, w Want, eo EnsureOptions) (*Result, *status.Problem) {
	if w.Name == "" {
		w.Name = DefaultName
	}
	r, p := s.resources(ctx)
	if p != nil {
		return nil, p
	}
	s.opts.progress("appreg.step.read", "name", w.Name, "client", eo.ClientID)
	st, p := s.find(ctx, eo.ClientID, w.Name, eo.ConfirmReuse)
	if p != nil {
		return nil, p
	}
	res := &Result{Name: w.Name, TenantID: s.TenantID}
	faults := findings(w, st, r, time.Now())
	switch {
	case st.app == nil && st.deleted != nil:
		s.opts.progress("appreg.step.restore", "name", st.deleted.DisplayName)
		var app Application
		if err := s.Graph.Post(ctx, "/directory/deletedItems/"+st.deleted.ID+"/restore", nil, &app); err != nil {
			return nil, s.fail("change", err)
		}
		st.app, res.Restored = &app, true
	case st.app == nil && st.sp != nil:
		// Another tenant's (multi-tenant) app: only its service principal
		// and consent live here.
	case st.app == nil:
		created, p := s.bringIn(ctx, w, r, st, eo)
		if p != nil {
			return nil, p
		}
		res.Created = created
	default:
		if patch := repairPatch(w, st.app, r); len(patch) > 0 {
			s.opts.progress("appreg.step.update_app", "name", st.app.DisplayName)
			if err := s.retry(ctx, "appreg.step.update_app", func() error {
				return s.Graph.Patch(ctx, "/applications/"+st.app.ID, patch)
			}); err != nil {
				return nil, s.fail("change", err)
			}
		}
	}
	for _, f := range faults {
		// A new registration is not a repair of what was not there.
		if f.Fault != FaultNotFound && !(res.Created && f.Fault == FaultNoEnterpriseApp) {
			res.Repaired = append(res.Repaired, f.Fault)
		}
	}
	clientID := eo.ClientID
	if st.app != nil {
		res.Name, res.ObjectID, clientID = st.app.DisplayName, st.app.ID, st.app.AppID
	}
	res.ClientID = clientID
	if st.sp == nil {
		s.opts.progress("appreg.step.create_sp")
		var sp ServicePrincipal
		if err := s.retry(ctx, "appreg.step.create_sp", func() error {
			return s.Graph.Post(ctx, "/servicePrincipals", map[string]string{"appId": clientID}, &sp)
		}); err != nil {
			return nil, s.fail("create", err)
		}
		st.sp = &sp
	} else if !st.sp.AccountEnabled {
		s.opts.progress("appreg.step.enable_sp")
		if err := s.Graph.Patch(ctx, "/servicePrincipals/"+st.sp.ID, map[string]bool{"accountEnabled": true}); err != nil {
			return nil, s.fail("change", err)
		}
	}
	res.ServicePrincipalID = st.sp.ID
	if w.appOnly() {
		if p := s.ensureRoles(ctx, w, st, r); p != nil {
			return nil, p
		}
		// Another organisation's app keeps its client secrets at home:
		// none can be added from here.
		if st.app != nil {
			if p := s.ensureSecret(ctx, st.app, eo, res); p != nil {
				return nil, p
			}
		}
	} else if p := s.ensureConsent(ctx, w, st, r); p != nil {
		return nil, p
	}
	if p := s.waitSignIn(ctx, w, res.ClientID); p != nil {
		return nil, p
	}
	s.opts.progress("appreg.step.done", "client", res.ClientID)
	return res, nil
}

// bringIn makes what a client ID, or a name, found nothing for. A client
// ID is taken for another organisation's multi-tenant app: an administrator
// brings it in by creating its service principal here, as consent does in
// the portal (POST /servicePrincipals {"appId"}; the consent follows in
// Ensure). When no organisation has that app Graph answers 400 "The appId
// '…' of the service principal does not reference a valid application
// object" or 404: then the client ID is wrong — unless NewIfGone lets a new
// registration replace it. No retry here: the app is not one we just made,
// so those answers are not replication. Without a client ID, or replacing
// one, the registration is created; created says so.
func (s *Session) bringIn(ctx context.Context, w Want, r *resources, st *state, eo EnsureOptions) (created bool, p *status.Problem) {
	if eo.ClientID != "" {
		s.opts.progress("appreg.step.adopt", "client", eo.ClientID)
		var sp ServicePrincipal
		err := s.Graph.Post(ctx, "/servicePrincipals", map[string]string{"appId": eo.ClientID}, &sp)
		switch {
		case err == nil:
			st.sp = &sp
			return false, nil
		case !nowhere(err):
			return false, s.fail("adopt", err)
		case !eo.NewIfGone:
			q := status.New(status.Red, "appreg.client_nowhere", "client", eo.ClientID)
			if e, ok := graph.AsError(err); ok {
				q.WithDetail(e.Detail())
			}
			return false, q.Wrap(err)
		}
	}
	s.opts.progress("appreg.step.create_app", "name", w.Name)
	var app Application
	if err := s.Graph.Post(ctx, "/applications", newApplication(w, r), &app); err != nil {
		return false, s.fail("create", err)
	}
	st.app = &app
	return true, nil
}

// nowhere says Graph found no organisation with that app.
func nowhere(err error) bool {
	e, ok := graph.AsError(err)
	return ok && (e.HTTPStatus == http.StatusNotFound || e.HTTPStatus == http.StatusBadRequest && strings.Contains(e.Message, noBackingApp))
}

// newApplication is the registration as mailoauth needs it: single tenant,
// the loopback redirect on the "Mobile and desktop" platform, public client
// flows on, the mail permissions under Exchange Online (the resource the
// tokens are for) and, for delegated sign-ins, Graph's OpenID permissions.
func newApplication(w Want, r *resources) map[string]any {
	app := map[string]any{
		"displayName":            w.Name,
		"signInAudience":         "AzureADMyOrg",
		"requiredResourceAccess": wantedAccess(w, r, nil),
	}
	if !w.appOnly() {
		app["publicClient"] = map[string]any{"redirectUris": w.redirects()}
		app["isFallbackPublicClient"] = true
	}
	return app
}

// wantedAccess is the registration's requiredResourceAccess with what w
// needs added to what it has (have may be nil). Nothing is removed: an
// administrator's own additions stay.
func wantedAccess(w Want, r *resources, have []requiredResource) []requiredResource {
	out := slices.Clone(have)
	add := func(res *ServicePrincipal, typ, id string) {
		if id == "" {
			return
		}
		for i := range out {
			if out[i].ResourceAppID != res.AppID {
				continue
			}
			for _, ra := range out[i].ResourceAccess {
				if strings.EqualFold(ra.ID, id) {
					return
				}
			}
			out[i].ResourceAccess = append(slices.Clone(out[i].ResourceAccess), resourceAccess{ID: id, Type: typ})
			return
		}
		out = append(out, requiredResource{ResourceAppID: res.AppID, ResourceAccess: []resourceAccess{{ID: id, Type: typ}}})
	}
	var fake Application
	fake.RequiredResourceAccess = have
	for _, perm := range w.mailPermissions() {
		if w.appOnly() {
			add(r.exchange, "Role", r.exchange.roleID(perm))
			continue
		}
		if !hasAccess(&fake, r.graph, "Scope", perm) {
			add(r.exchange, "Scope", r.exchange.scopeID(perm))
		}
	}
	if !w.appOnly() {
		for _, perm := range graphScopes {
			add(r.graph, "Scope", r.graph.scopeID(perm))
		}
	}
	return out
}

// repairPatch is the PATCH body that fixes the registration's own fields
// (empty when they are right).
func repairPatch(w Want, app *Application, r *resources) map[string]any {
	patch := map[string]any{}
	if !w.appOnly() {
		pub := slices.Clone(app.PublicClient.RedirectURIs)
		web := slices.Clone(app.Web.RedirectURIs)
		changed := false
		for _, uri := range w.redirects() {
			if !slices.Contains(pub, uri) {
				pub, changed = append(pub, uri), true
			}
			// Left under Web it makes Entra treat the app as confidential
			// for exactly this redirect (AADSTS7000218).
			if i := slices.Index(web, uri); i >= 0 {
				web = slices.Delete(web, i, i+1)
				patch["web"] = map[string]any{"redirectUris": nonNil(web)}
			}
		}
		if changed {
			patch["publicClient"] = map[string]any{"redirectUris": pub}
		}
		if app.IsFallbackPublicClient == nil || !*app.IsFallbackPublicClient {
			patch["isFallbackPublicClient"] = true
		}
	}
	want := wantedAccess(w, r, app.RequiredResourceAccess)
	if countAccess(want) != countAccess(app.RequiredResourceAccess) {
		patch["requiredResourceAccess"] = want
	}
	return patch
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func countAccess(rr []requiredResource) int {
	n := 0
	for _, r := range rr {
		n += len(r.ResourceAccess)
	}
	return n
}

// ensureConsent grants, for the whole organisation (AllPrincipals), every
// delegated permission the registration lists under each resource —
// exactly those, so the admin consent is no wider than the registration.
func (s *Session) ensureConsent(ctx context.Context, w Want, st *state, r *resources) *status.Problem {
	app := st.app
	if app == nil {
		// Another tenant's app: consent to what mailoauth needs, under
		// Exchange Online.
		app = &Application{RequiredResourceAccess: wantedAccess(w, r, nil)}
	} else {
		app = &Application{RequiredResourceAccess: wantedAccess(w, r, app.RequiredResourceAccess)}
	}
	for _, res := range []*ServicePrincipal{r.exchange, r.graph} {
		var want []string
		for _, rr := range app.RequiredResourceAccess {
			if rr.ResourceAppID != res.AppID {
				continue
			}
			for _, ra := range rr.ResourceAccess {
				if n := res.scopeName(ra.ID); ra.Type == "Scope" && n != "" && !slices.Contains(want, n) {
					want = append(want, n)
				}
			}
		}
		if len(want) == 0 {
			continue
		}
		var have *permissionGrant
		for i, g := range st.grants {
			if g.ResourceID == res.ID && g.ConsentType == "AllPrincipals" {
				have = &st.grants[i]
			}
		}
		s.opts.progress("appreg.step.consent", "resource", res.DisplayName, "permissions", strings.Join(want, " "))
		var err error
		if have == nil {
			g := permissionGrant{ClientID: st.sp.ID, ConsentType: "AllPrincipals", ResourceID: res.ID, Scope: strings.Join(want, " ")}
			err = s.retry(ctx, "appreg.step.consent", func() error { return s.Graph.Post(ctx, "/oauth2PermissionGrants", g, nil) })
		} else if scope := union(strings.Fields(have.Scope), want); len(scope) != len(strings.Fields(have.Scope)) {
			err = s.Graph.Patch(ctx, "/oauth2PermissionGrants/"+have.ID, map[string]string{"scope": strings.Join(scope, " ")})
		}
		if err != nil {
			return s.fail("consent", err)
		}
	}
	return nil
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// ensureRoles assigns Exchange Online's app roles (IMAP.AccessAsApp, …) to
// the app's service principal — the admin consent of application
// permissions.
func (s *Session) ensureRoles(ctx context.Context, w Want, st *state, r *resources) *status.Problem {
	for _, perm := range w.mailPermissions() {
		if st.hasRole(r.exchange, perm) {
			continue
		}
		s.opts.progress("appreg.step.assign_role", "permission", perm)
		a := roleAssignment{AppRoleID: r.exchange.roleID(perm), PrincipalID: st.sp.ID, ResourceID: r.exchange.ID}
		if err := s.retry(ctx, "appreg.step.assign_role", func() error {
			return s.Graph.Post(ctx, "/servicePrincipals/"+r.exchange.ID+"/appRoleAssignedTo", a, nil)
		}); err != nil {
			return s.fail("roles", err)
		}
	}
	return nil
}

// ensureSecret adds a client secret when the app has none that lasts more
// than 30 days, or mailoauth holds none of it (NeedSecret, KnownSecret),
// and hands it to SaveSecret at once.
func (s *Session) ensureSecret(ctx context.Context, app *Application, eo EnsureOptions, res *Result) *status.Problem {
	end, has := bestSecret(app)
	if has && !eo.NeedSecret && time.Until(end) >= SecretRenewBefore {
		known := true
		if eo.KnownSecret != nil {
			var p *status.Problem
			if known, p = eo.KnownSecret(ctx, app.AppID); p != nil {
				return p
			}
		}
		if known {
			res.SecretExpires = end
			return nil
		}
	}
	if eo.SaveSecret == nil {
		return status.New(status.Red, "appreg.secret_nowhere")
	}
	life := eo.SecretLifetime
	if life <= 0 {
		life = defaultSecretLifetime
	}
	s.opts.progress("appreg.step.add_secret")
	in := map[string]any{"passwordCredential": map[string]any{"displayName": "mailoauth " + time.Now().UTC().Format("2006-01-02"),
		"endDateTime": time.Now().Add(life).UTC().Format(time.RFC3339)}}
	var pc passwordCredential
	if err := s.retry(ctx, "appreg.step.add_secret", func() error {
		return s.Graph.Post(ctx, "/applications/"+app.ID+"/addPassword", in, &pc)
	}); err != nil {
		return s.fail("change", err)
	}
	if pc.SecretText == "" {
		return status.New(status.Red, "appreg.secret_missing_in_answer")
	}
	secretText := pc.SecretText
	pc.SecretText = ""
	redact.Add(secretText)
	if err := eo.SaveSecret(ctx, secretText, pc.EndDateTime); err != nil {
		if p, ok := status.AsProblem(err); ok {
			return p
		}
		return status.New(status.Red, "appreg.secret_save").WithDetail(err.Error()).Wrap(err)
	}
	res.SecretExpires, res.SecretAdded = pc.EndDateTime, true
	return nil
}

// The answers Graph gives while a new object has not reached every
// directory replica. They are the ones manicminer/hamilton — the Graph SDK
// of hashicorp/terraform-provider-azuread — retries on
// (msgraph/serviceprincipals.go, odata/odata.go):
//   - any 404 (RetryOn404ConsistencyFailureFunc): "Resource '…' does not
//     exist or one of its queried reference-property objects are not
//     present", whatever the code says;
//   - creating the service principal, 400 "The appId '…' of the service
//     principal does not reference a valid application object" (also
//     microsoftgraph/msgraph-sdk-powershell#846);
//   - creating it, 403 "When using this permission, the backing application
//     of the service principal being created must in the local tenant":
//     Graph does not see the new app and takes it for another
//     organisation's, which a caller allowed to create apps but not to
//     consent for others may not do (hashicorp/terraform-provider-azuread#504,
//     Azure/azure-cli#28009). Taken for a missing role it would send the
//     administrator to find a role they already have.
const (
	noBackingApp     = "does not reference a valid application object"
	backingAppRemote = "the backing application of the service principal being created must in the local tenant"
)

// replicating says whether Graph's answer means "not yet everywhere": a
// read or reference of an object made moments ago.
func replicating(err error) bool {
	e, ok := graph.AsError(err)
	if !ok {
		return false
	}
	switch e.HTTPStatus {
	case http.StatusNotFound:
		return true
	case http.StatusBadRequest:
		return strings.Contains(e.Message, noBackingApp)
	case http.StatusForbidden:
		return strings.Contains(e.Message, backingAppRemote)
	}
	return false
}

// retry runs fn again while Entra is still spreading a new object (up to
// ReplicationWait, default 2 minutes), with a growing pause, telling the
// front end that it waits and why.
func (s *Session) retry(ctx context.Context, step string, fn func() error) error {
	return s.retryWhile(ctx, step, replicating, fn)
}

func (s *Session) retryWhile(ctx context.Context, step string, again func(error) bool, fn func() error) error {
	limit := s.opts.ReplicationWait
	if limit <= 0 {
		limit = 2 * time.Minute
	}
	pause := s.opts.ReplicationBackoff
	if pause <= 0 {
		pause = 2 * time.Second
	}
	start := time.Now()
	for {
		err := fn()
		if err == nil || !again(err) {
			return err
		}
		if time.Since(start)+pause > limit {
			return &replicationTimeout{err: err, limit: limit}
		}
		if s.opts.Progress != nil {
			s.opts.Progress(Progress{Step: step, Waiting: true, Elapsed: time.Since(start)})
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return status.New(status.Yellow, "graph.canceled").Wrap(ctx.Err())
		case <-t.C:
		}
		pause = min(pause*2, 15*time.Second)
	}
}

type replicationTimeout struct {
	err   error
	limit time.Duration
}

func (r *replicationTimeout) Error() string { return r.err.Error() }
func (r *replicationTimeout) Unwrap() error { return r.err }

// waitSignIn waits until Entra's sign-in servers know the app (right after
// creation they answer AADSTS700016 for a while), so the mailbox sign-in
// that follows does not fail. The probe is a request that needs no user:
// a device code for a public client, client credentials without a secret
// for app-only — both answer 700016 only while the app is unknown.
func (s *Session) waitSignIn(ctx context.Context, w Want, clientID string) *status.Problem {
	cloud := s.opts.cloud()
	cfg := &oauth.Config{Authority: s.Authority, Tenant: s.TenantID, ClientID: clientID, HTTPClient: s.opts.HTTP,
		Scopes: oauth.DelegatedScopes(w.Protocols, cloud), AppScope: cloud.AppScope}
	s.opts.progress("appreg.step.wait_sign_in")
	// 700016: the app is not known yet; 7000229 (client credentials): the
	// app is, its new service principal not yet.
	unknown := func(err error) bool {
		e, ok := entra.AsError(problemOf(err))
		return ok && (e.AADSTS == 700016 || e.AADSTS == 7000229)
	}
	err := s.retryWhile(ctx, "appreg.step.wait_sign_in", unknown, func() error {
		var p *status.Problem
		if w.appOnly() {
			cfg.ClientSecret = "-" // never valid: only "known or not" is asked
			_, p = oauth.ClientCredentials(ctx, cfg)
		} else {
			_, p = oauth.StartDevice(ctx, cfg)
		}
		if p == nil {
			return nil
		}
		return p
	})
	if err == nil {
		return nil
	}
	if rt, ok := err.(*replicationTimeout); ok {
		return status.New(status.Yellow, "appreg.replication_timeout", "wait", rt.limit.String()).Wrap(rt.err)
	}
	if unknown(err) {
		return problemOf(err)
	}
	return nil // any other answer: the app is known
}

func problemOf(err error) *status.Problem {
	if p, ok := status.AsProblem(err); ok {
		return p
	}
	return graph.ProblemOf(err)
}
