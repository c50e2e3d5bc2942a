package appreg

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mailoauth/core/account"
	mgraph "mailoauth/core/graph"
	"mailoauth/core/i18n"
	"mailoauth/core/oauth"
	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/graph"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/status"
)

func startSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{AutoConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// browser is the stand-in for the system browser: it follows the sign-in
// address through the sandbox's (auto-consenting) pages to our loopback.
func browser(hc *http.Client) func(string) error {
	return func(u string) error {
		resp, err := hc.Get(u)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}
}

type recorder struct {
	mu    sync.Mutex
	steps []Progress
}

func (r *recorder) add(p Progress) { r.mu.Lock(); r.steps = append(r.steps, p); r.mu.Unlock() }
func (r *recorder) waited() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.steps {
		if p.Waiting {
			return true
		}
	}
	return false
}

func options(sb *sandbox.Sandbox, admin string, rec *recorder) *Options {
	hc := sb.Identity.HTTPClient()
	return &Options{Authority: sb.Identity.Authority(), Tenant: sb.Identity.TenantID(), Admin: admin, HTTP: hc,
		SignIn:   oauth.SignInOptions{Lang: i18n.EN, OpenBrowser: browser(hc), Timeout: 30 * time.Second},
		Progress: rec.add, ReplicationBackoff: 100 * time.Millisecond, ReplicationWait: 20 * time.Second}
}

func signIn(t *testing.T, opts *Options, access Access) *Session {
	t.Helper()
	s, p := SignIn(context.Background(), opts, access)
	if p != nil {
		t.Fatalf("admin sign-in: %v", p)
	}
	return s
}

var delegated = Want{Name: "mailoauth", Flow: account.FlowBrowser, Protocols: account.Protocols}

func TestCreateThenRerunIsIdempotent(t *testing.T) {
	sb := startSandbox(t)
	rec := &recorder{}
	s := signIn(t, options(sb, "admin@contoso.example", rec), Write)
	if s.TenantID != sb.Identity.TenantID() {
		t.Fatalf("tenant %q", s.TenantID)
	}
	res, p := s.Ensure(context.Background(), delegated, EnsureOptions{})
	if p != nil {
		t.Fatalf("create: %v", p)
	}
	if !res.Created || res.ClientID == "" || res.ServicePrincipalID == "" || len(res.Repaired) != 0 {
		t.Fatalf("result: %+v", res)
	}
	app, ok := sb.Identity.LookupApp(res.ClientID)
	if !ok || !app.Public || app.NoPublicFlows || len(app.Permissions) != 3 || len(app.Consented) < 3 {
		t.Fatalf("identity app: %+v", app)
	}
	rep, p := s.Check(context.Background(), delegated, res.ClientID)
	if p != nil || len(rep.Findings) != 0 || rep.Level() != status.Green {
		t.Fatalf("check after create: %v %+v", p, rep)
	}
	before := len(sb.Graph.Requests())
	res2, p := s.Ensure(context.Background(), delegated, EnsureOptions{})
	if p != nil || res2.Created || res2.ClientID != res.ClientID || len(res2.Repaired) != 0 {
		t.Fatalf("rerun: %v %+v", p, res2)
	}
	if n := sb.Graph.AppCount("mailoauth"); n != 1 {
		t.Fatalf("%d registrations after rerun", n)
	}
	for _, r := range sb.Graph.Requests()[before:] {
		if !strings.HasPrefix(r, "GET ") {
			t.Errorf("rerun changed something: %s", r)
		}
	}
}

// Each fault of a registration is found with its own text and fix, and
// repair leaves a registration that checks clean and signs in.
func TestEachFaultFoundAndRepaired(t *testing.T) {
	sb := startSandbox(t)
	s := signIn(t, options(sb, "admin@contoso.example", &recorder{}), WriteAppOnly)
	for _, tc := range []struct {
		fault graph.Fault
		want  string
		flow  account.Flow
	}{
		{graph.FaultRedirectMissing, FaultRedirectMissing, account.FlowBrowser},
		{graph.FaultRedirectWeb, FaultRedirectWeb, account.FlowBrowser},
		{graph.FaultPublicFlowsOff, FaultPublicFlowsOff, account.FlowDevice},
		{graph.FaultPermissionMissing, FaultPermission, account.FlowBrowser},
		{graph.FaultConsentMissing, FaultConsent, account.FlowBrowser},
		{graph.FaultDisabled, FaultDisabled, account.FlowBrowser},
		{graph.FaultDeleted, FaultDeleted, account.FlowBrowser},
		{graph.FaultNoSP, FaultNoSP, account.FlowBrowser},
		{graph.FaultMultiTenantNoSP, FaultMultiTenantNoSP, account.FlowBrowser},
		{graph.FaultSecretExpiring, FaultSecretExpiring, account.FlowApp},
		{graph.FaultSecretExpired, FaultSecretExpired, account.FlowApp},
		{graph.FaultRoleMissing, FaultRole, account.FlowApp},
	} {
		t.Run(string(tc.fault), func(t *testing.T) {
			w := Want{Name: "mailoauth-" + string(tc.fault), Flow: tc.flow, Protocols: account.Protocols}
			var saved []string
			eo := EnsureOptions{SaveSecret: func(_ context.Context, sec string, _ time.Time) error { saved = append(saved, sec); return nil }}
			res, p := s.Ensure(context.Background(), w, eo)
			if p != nil {
				t.Fatalf("create: %v", p)
			}
			if err := sb.Graph.SeedFault(res.ClientID, tc.fault); err != nil {
				t.Fatal(err)
			}
			rep, p := s.Check(context.Background(), w, res.ClientID)
			if p != nil {
				t.Fatalf("check: %v", p)
			}
			found := false
			for _, f := range rep.Findings {
				if f.Fault == tc.want {
					found = true
					for _, l := range i18n.Langs {
						if f.Problem.Message(l) == f.Problem.Code || f.Problem.Fix(l) == "" {
							t.Errorf("%s: no %s text or fix", f.Problem.Code, l)
						}
					}
					if !f.Repairable {
						t.Errorf("%s not repairable", f.Fault)
					}
				}
			}
			if !found {
				t.Fatalf("fault %s not found: %+v", tc.want, rep.Findings)
			}
			eo.ClientID = res.ClientID
			fixed, p := s.Ensure(context.Background(), w, eo)
			if p != nil {
				t.Fatalf("repair: %v", p)
			}
			if fixed.ClientID != res.ClientID {
				t.Errorf("repair changed the client ID: %s → %s", res.ClientID, fixed.ClientID)
			}
			rep, p = s.Check(context.Background(), w, res.ClientID)
			if p != nil || len(rep.Findings) != 0 {
				t.Fatalf("after repair: %v %+v", p, rep.Findings)
			}
			app, ok := sb.Identity.LookupApp(res.ClientID)
			if !ok || app.Disabled {
				t.Fatalf("identity app after repair: %+v %v", app, ok)
			}
			if want := map[bool]int{true: 2, false: 1}[strings.HasPrefix(tc.want, "secret")]; tc.flow == account.FlowApp && len(saved) != want {
				t.Errorf("%d secrets saved, want %d", len(saved), want)
			}
		})
	}
}

func TestNonAdminGetsTheRoleMessage(t *testing.T) {
	sb := startSandbox(t)
	s := signIn(t, options(sb, "anna@contoso.example", &recorder{}), Write)
	_, p := s.Ensure(context.Background(), delegated, EnsureOptions{})
	if p == nil || p.Code != "appreg.denied.consent" || p.Level != status.Red {
		t.Fatalf("problem: %+v", p)
	}
	for _, l := range i18n.Langs {
		if msg := p.Message(l); !strings.Contains(msg, "anna@contoso.example") || !strings.Contains(msg, "Administrator") && !strings.Contains(msg, "administrator") {
			t.Errorf("%s: %q", l, msg)
		}
	}
	if !strings.Contains(p.Detail, "Authorization_RequestDenied") {
		t.Errorf("detail: %q", p.Detail)
	}
	// An administrator then finishes the half-made registration instead of
	// making a second one.
	s2 := signIn(t, options(sb, "admin@contoso.example", &recorder{}), Write)
	res, p := s2.Ensure(context.Background(), delegated, EnsureOptions{})
	if p != nil || res.Created || sb.Graph.AppCount("mailoauth") != 1 {
		t.Fatalf("admin rerun: %v %+v", p, res)
	}
}

func TestReplicationDelaySurvived(t *testing.T) {
	sb := startSandbox(t)
	sb.Graph.SetReplicationDelay(1500 * time.Millisecond)
	rec := &recorder{}
	s := signIn(t, options(sb, "admin@contoso.example", rec), Write)
	res, p := s.Ensure(context.Background(), delegated, EnsureOptions{})
	if p != nil {
		t.Fatalf("create under replication delay: %v", p)
	}
	if !rec.waited() {
		t.Error("no waiting step reported")
	}
	if app, ok := sb.Identity.LookupApp(res.ClientID); !ok || app.NoServicePrincipal {
		t.Errorf("sign-in servers do not know the app (or its service principal) when Ensure returns: %v %+v", ok, app)
	}
}

// Right after creation Graph refuses the service principal of an app it
// does not see yet with a 403 to a caller who may not consent for others
// ("… backing application … must in the local tenant"): that is the wait,
// not the missing role — the role message comes where the role is missing,
// at the organisation-wide consent.
func TestReplicationDelayNonAdminWaitsForTheServicePrincipal(t *testing.T) {
	sb := startSandbox(t)
	sb.Graph.SetReplicationDelay(700 * time.Millisecond)
	rec := &recorder{}
	s := signIn(t, options(sb, "anna@contoso.example", rec), Write)
	_, p := s.Ensure(context.Background(), delegated, EnsureOptions{})
	if p == nil || p.Code != "appreg.denied.consent" {
		t.Fatalf("problem: %+v", p)
	}
	if !rec.waited() {
		t.Error("no waiting step reported")
	}
}

// App-only: while the new service principal has not reached the sign-in
// servers, client credentials answer AADSTS7000229 (the app is known, its
// service principal not): Ensure waits that out as it waits out 700016.
func TestAppOnlyWaitsOutMissingServicePrincipalAtSignIn(t *testing.T) {
	sb := startSandbox(t)
	rec := &recorder{}
	s := signIn(t, options(sb, "admin@contoso.example", rec), WriteAppOnly)
	sb.Identity.SetFault(identity.Fault{Endpoint: "token", AADSTS: 7000229, HTTPStatus: http.StatusUnauthorized, Times: 2})
	w := Want{Name: "mailoauth-app", Flow: account.FlowApp, Protocols: account.Protocols}
	if _, p := s.Ensure(context.Background(), w, EnsureOptions{SaveSecret: func(context.Context, string, time.Time) error { return nil }}); p != nil {
		t.Fatalf("create: %v", p)
	}
	waited := 0
	for _, p := range rec.steps {
		if p.Step == "appreg.step.wait_sign_in" && p.Waiting {
			waited++
		}
	}
	if waited != 2 {
		t.Errorf("waited %d times for the sign-in servers, want 2", waited)
	}
}

func TestReplicationTimeoutIsYellow(t *testing.T) {
	sb := startSandbox(t)
	sb.Graph.SetReplicationDelay(time.Hour)
	opts := options(sb, "admin@contoso.example", &recorder{})
	opts.ReplicationWait = 500 * time.Millisecond
	s := signIn(t, opts, Write)
	_, p := s.Ensure(context.Background(), delegated, EnsureOptions{})
	if p == nil || p.Code != "appreg.replication_timeout" || p.Level != status.Yellow {
		t.Fatalf("problem: %+v", p)
	}
}

func TestAdminClientWithoutConsent(t *testing.T) {
	sb := startSandbox(t)
	sb.Identity.RequireAdminConsent(GraphCLIClientID)
	_, p := SignIn(context.Background(), options(sb, "admin@contoso.example", &recorder{}), Write)
	if p == nil || p.Code != "appreg.admin_client_consent" {
		t.Fatalf("problem: %+v", p)
	}
	if fix := p.Fix(i18n.EN); !strings.Contains(fix, "--admin-client-id") || !strings.Contains(fix, "adminconsent?client_id="+GraphCLIClientID) {
		t.Errorf("fix: %q", fix)
	}
}

func TestAppOnlyCreate(t *testing.T) {
	sb := startSandbox(t)
	s := signIn(t, options(sb, "admin@contoso.example", &recorder{}), WriteAppOnly)
	var saved string
	w := Want{Name: "mailoauth-app", Flow: account.FlowApp, Protocols: account.Protocols}
	res, p := s.Ensure(context.Background(), w, EnsureOptions{SaveSecret: func(_ context.Context, sec string, end time.Time) error {
		saved = sec
		if d := time.Until(end); d < 360*24*time.Hour || d > 366*24*time.Hour {
			t.Errorf("secret lifetime %v", d)
		}
		return nil
	}})
	if p != nil {
		t.Fatalf("create: %v", p)
	}
	app, _ := sb.Identity.LookupApp(res.ClientID)
	if len(app.AppRoles) != 3 || saved == "" || !contains(app.Secrets, saved) || !res.SecretAdded {
		t.Fatalf("app %+v, secret saved %v", app, saved != "")
	}
	if sb.Graph.ServicePrincipalID(res.ClientID) != res.ServicePrincipalID {
		t.Errorf("service principal ID %s", res.ServicePrincipalID)
	}
	// Without a place for the secret, app-only refuses to make one.
	_, p = s.Ensure(context.Background(), Want{Name: "other", Flow: account.FlowApp, Protocols: account.Protocols}, EnsureOptions{})
	if p == nil || p.Code != "appreg.secret_nowhere" {
		t.Errorf("problem: %+v", p)
	}
}

func TestGraphEndpoints(t *testing.T) {
	dod, _ := account.ParseCloud("usgov-dod")
	for _, tc := range []struct {
		authority string
		cloud     *account.Cloud
		override  string
		base      string
		resource  string
	}{
		{"https://login.microsoftonline.com", nil, "", "https://graph.microsoft.com", "https://graph.microsoft.com"},
		{"https://login.microsoftonline.us", nil, "", "https://graph.microsoft.us", "https://graph.microsoft.us"},
		// DoD shares GCC High's login host, not its Graph.
		{"https://login.microsoftonline.us", dod, "", "https://dod-graph.microsoft.us", "https://dod-graph.microsoft.us"},
		{"https://login.partner.microsoftonline.cn", nil, "", "https://microsoftgraph.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"},
		{"https://127.0.0.1:8443", nil, "", "https://127.0.0.1:8443", "https://graph.microsoft.com"},
		{"https://127.0.0.1:8443", nil, "https://127.0.0.1:9000/", "https://127.0.0.1:9000", "https://graph.microsoft.com"},
	} {
		o := &Options{Authority: tc.authority, Cloud: tc.cloud}
		b, r := GraphEndpoints(o.cloud(), o.authority(), tc.override)
		if b != tc.base || r != tc.resource {
			t.Errorf("%s %v %s: %s %s", tc.authority, tc.cloud, tc.override, b, r)
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// The administrator can sign in with a code on another device instead.
func TestAdminDeviceCodeSignIn(t *testing.T) {
	sb := startSandbox(t)
	opts := options(sb, "admin@contoso.example", &recorder{})
	opts.Device = true
	opts.SignIn.OpenBrowser = func(string) error { t.Error("browser opened for a device sign-in"); return nil }
	opts.SignIn.OnDeviceCode = func(d *oauth.DeviceCode) {
		go func() {
			if err := sb.Identity.ApproveDevice(d.UserCode, "admin@contoso.example", true); err != nil {
				t.Error(err)
			}
		}()
	}
	s := signIn(t, opts, Write)
	if _, p := s.Ensure(context.Background(), delegated, EnsureOptions{}); p != nil {
		t.Fatalf("create after device sign-in: %v", p)
	}
}

// Keys built at run time ("appreg.denied."+step) exist in both languages,
// with a fix.
func TestRuntimeKeysHaveTexts(t *testing.T) {
	var keys []string
	for _, step := range []string{"read", "create", "change", "consent", "roles", "adopt"} {
		keys = append(keys, "appreg.denied."+step, "appreg.denied."+step+".fix")
	}
	for _, f := range []string{FaultNotFound, FaultDeleted, FaultRedirectMissing, FaultRedirectWeb, FaultPublicFlowsOff, FaultPermission,
		FaultConsent, FaultNoSP, FaultMultiTenantNoSP, FaultNoEnterpriseApp, FaultDisabled, FaultRole, FaultSecretMissing, FaultSecretExpired, FaultSecretExpiring} {
		keys = append(keys, "appreg.fault."+f, "appreg.fault."+f+".fix")
	}
	for _, l := range i18n.Langs {
		for _, k := range keys {
			if !i18n.Has(l, k) {
				t.Errorf("%s: no text for %s", l, k)
			}
		}
	}
}

// Graph's 429 with Retry-After is waited out, and the wait is shown.
func TestThrottlingWaitedOut(t *testing.T) {
	sb := startSandbox(t)
	rec := &recorder{}
	s := signIn(t, options(sb, "admin@contoso.example", rec), Write)
	sb.Graph.Throttle(2, 1)
	if _, p := s.Ensure(context.Background(), delegated, EnsureOptions{}); p != nil {
		t.Fatalf("create while throttled: %v", p)
	}
	n := 0
	for _, p := range rec.steps {
		if p.Step == "appreg.step.throttled" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d throttled steps shown, want 2", n)
	}
}

// The replication shapes Graph answers with (see replicating), and look-alikes
// that are real faults.
func TestReplicatingShapes(t *testing.T) {
	for _, tc := range []struct {
		status  int
		code    string
		message string
		want    bool
	}{
		{404, mgraph.CodeNotFound, "Resource 'x' does not exist or one of its queried reference-property objects are not present.", true},
		{404, "ResourceNotFound", "Resource not found.", true},
		{400, "Request_BadRequest", "The appId 'x' of the service principal does not reference a valid application object.", true},
		{400, "Request_BadRequest", "Invalid value specified for property 'web' of resource 'Application'.", false},
		{403, "Authorization_RequestDenied", "When using this permission, the backing application of the service principal being created must in the local tenant", true},
		{403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", false},
	} {
		err := &mgraph.Error{HTTPStatus: tc.status, Code: tc.code, Message: tc.message}
		if got := replicating(err); got != tc.want {
			t.Errorf("%d %s %q: replicating %v, want %v", tc.status, tc.code, tc.message, got, tc.want)
		}
	}
}

// Another organisation's multi-tenant app has no application object here
// and, until someone brings it in, no service principal: its sign-ins are
// refused. The check says so, the repair creates the service principal and
// the consent, and then a mailbox signs in with that client ID. A client ID
// no organisation has is named as such, and nothing is made in its place.
func TestForeignMultiTenantAppBroughtIn(t *testing.T) {
	sb := startSandbox(t)
	clientID := sb.Graph.AddForeignApp("Fabrikam Mail Tool")
	hc := sb.Identity.HTTPClient()
	mailbox := &oauth.Config{Authority: sb.Identity.Authority(), Tenant: sb.Identity.TenantID(), ClientID: clientID, HTTPClient: hc,
		Scopes: oauth.DelegatedScopes(account.Protocols, account.CloudOf(sb.Identity.Authority())), LoginHint: "anna@contoso.example"}
	browse := oauth.SignInOptions{Lang: i18n.EN, OpenBrowser: browser(hc), Timeout: 30 * time.Second}
	if _, p := oauth.StartDevice(context.Background(), mailbox); p == nil || p.Code != "entra.aadsts.700016" {
		t.Fatalf("device sign-in without a service principal: %+v", p)
	}
	if _, p := oauth.SignIn(context.Background(), mailbox, browse); p == nil || p.Code != "entra.aadsts.65001" {
		t.Fatalf("browser sign-in without a service principal: %+v", p)
	}

	ro := signIn(t, options(sb, "admin@contoso.example", &recorder{}), ReadOnly)
	rep, p := ro.Check(context.Background(), delegated, clientID)
	if p != nil || len(rep.Findings) != 1 || rep.Findings[0].Fault != FaultNoEnterpriseApp || !rep.Findings[0].Repairable {
		t.Fatalf("check: %v %+v", p, rep)
	}
	for _, l := range i18n.Langs {
		if f := rep.Findings[0].Problem; !strings.Contains(f.Message(l), "(service principal)") && !strings.Contains(f.Message(l), "(Dienstprinzipal)") {
			t.Errorf("%s: %q", l, f.Message(l))
		}
	}

	s := signIn(t, options(sb, "admin@contoso.example", &recorder{}), Write)
	res, p := s.Ensure(context.Background(), delegated, EnsureOptions{ClientID: clientID})
	if p != nil {
		t.Fatalf("repair: %v", p)
	}
	if res.Created || res.ClientID != clientID || res.ServicePrincipalID == "" || len(res.Repaired) != 1 || res.Repaired[0] != FaultNoEnterpriseApp {
		t.Fatalf("repair result: %+v", res)
	}
	if n := sb.Graph.AppCount(DefaultName) + sb.Graph.AppCount("Fabrikam Mail Tool"); n != 0 {
		t.Errorf("%d application objects made in this tenant", n)
	}
	if rep, p := s.Check(context.Background(), delegated, clientID); p != nil || len(rep.Findings) != 0 {
		t.Fatalf("check after repair: %v %+v", p, rep)
	}
	if _, p := oauth.SignIn(context.Background(), mailbox, browse); p != nil {
		t.Fatalf("browser sign-in after the repair: %v", p)
	}

	unknown := "0bad0bad-0000-4000-8000-00000000c1d0"
	if rep, p := s.Check(context.Background(), delegated, unknown); p != nil || len(rep.Findings) != 1 || rep.Findings[0].Fault != FaultNoEnterpriseApp {
		t.Fatalf("check of an unknown client ID: %v %+v", p, rep)
	}
	_, p = s.Ensure(context.Background(), delegated, EnsureOptions{ClientID: unknown})
	if p == nil || p.Code != "appreg.client_nowhere" || !strings.Contains(p.Message(i18n.EN), unknown) {
		t.Fatalf("repair of an unknown client ID: %+v", p)
	}
	if n := sb.Graph.AppCount(DefaultName); n != 0 {
		t.Errorf("a registration was made in place of an unknown client ID")
	}
}

// The administrators' client itself refused: by assignment (AADSTS50105)
// or Conditional Access (53003). Each is said as such — the client named,
// --admin-client-id offered — not as a fault of the app being made.
func TestAdminClientBlocked(t *testing.T) {
	for _, tc := range []struct {
		aadsts   int
		endpoint string
		code     string
	}{
		{50105, "token", "appreg.admin_client_assignment"},
		{53003, "authorize", "appreg.admin_client_blocked"},
		{53003, "token", "appreg.admin_client_blocked"},
	} {
		sb := startSandbox(t)
		sb.Identity.SetFault(identity.Fault{Endpoint: tc.endpoint, AADSTS: tc.aadsts, Times: 1})
		_, p := SignIn(context.Background(), options(sb, "admin@contoso.example", &recorder{}), Write)
		if p == nil || p.Code != tc.code || p.Level != status.Red {
			t.Errorf("%d at %s: %+v", tc.aadsts, tc.endpoint, p)
			continue
		}
		for _, l := range i18n.Langs {
			if !strings.Contains(p.Message(l), GraphCLIClientID) || !strings.Contains(p.Fix(l), "--admin-client-id") {
				t.Errorf("%d %s: %q / %q", tc.aadsts, l, p.Message(l), p.Fix(l))
			}
		}
	}
}

// A check asks for read permissions only — Application.Read.All and
// DelegatedPermissionGrant.Read.All — and a repair for the write ones;
// app-only adds AppRoleAssignment.ReadWrite.All, and only there.
func TestLeastAdminScopes(t *testing.T) {
	sb := startSandbox(t)
	for _, tc := range []struct {
		access Access
		want   []string
	}{
		{ReadOnly, []string{"Application.Read.All", "DelegatedPermissionGrant.Read.All"}},
		{Write, []string{"Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"}},
		{WriteAppOnly, []string{"AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"}},
	} {
		s := signIn(t, options(sb, "admin@contoso.example", &recorder{}), tc.access)
		c, err := oauth.DecodeClaims(s.Graph.Token)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Fields(c.Scp)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("access %d: token scopes %v, want %v", tc.access, got, tc.want)
		}
		if tc.access == ReadOnly {
			if rep, p := s.Check(context.Background(), delegated, identity.PublicClientID); p != nil || rep == nil {
				t.Errorf("read-only check: %v", p)
			}
		}
	}
}

// An admin client ID that is no client ID is refused before anyone signs in.
func TestBadAdminClientIDRefusedBeforeSignIn(t *testing.T) {
	sb := startSandbox(t)
	opts := options(sb, "admin@contoso.example", &recorder{})
	opts.AdminClientID = "Graph PowerShell"
	opts.SignIn.OpenBrowser = func(string) error { t.Error("browser opened"); return nil }
	if _, p := SignIn(context.Background(), opts, ReadOnly); p == nil || !strings.HasPrefix(p.Code, "account.") {
		t.Fatalf("problem: %+v", p)
	}
}
