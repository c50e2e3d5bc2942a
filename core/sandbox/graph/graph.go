// Package graph is the sandbox's stand-in for the part of Microsoft Graph
// v1.0 that manages app registrations: applications (with addPassword),
// service principals, oauth2PermissionGrants, app role assignments and the
// deleted-items bin. It answers in Graph's JSON and error formats, checks
// the caller's delegated scopes and directory roles, can delay what it
// creates the way Entra's replication does, and turns every registration
// into a real app of the sandbox identity platform — so an app made here
// can sign a mailbox in. It is served on the identity platform's own
// scheme, host and port, where the program looks for Graph next to a login
// host that is none of Microsoft's.
package graph

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"mailoauth/core/sandbox/identity"
)

// Well-known application IDs, the same in every tenant.
const (
	GraphAppID    = "00000003-0000-0000-c000-000000000000"
	ExchangeAppID = "00000002-0000-0ff1-ce00-000000000000"
	// GraphCLIAppID is Microsoft Graph Command Line Tools, the public
	// client Microsoft's Graph PowerShell signs administrators in with.
	GraphCLIAppID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
)

// The directory roles that may create apps, consent for the organisation
// and assign Exchange Online's app roles.
const (
	RoleAppAdmin      = "Application Administrator"
	RoleCloudAppAdmin = "Cloud Application Administrator"
	RoleGlobalAdmin   = "Global Administrator"
)

// Fault names a defect seeded into a registration (control API "app_fault").
type Fault string

// The faults a check must find.
const (
	FaultRedirectMissing   Fault = "redirect_missing"   // no http://localhost at all
	FaultRedirectWeb       Fault = "redirect_web"       // http://localhost under Web only
	FaultPublicFlowsOff    Fault = "public_flows_off"   // isFallbackPublicClient false
	FaultPermissionMissing Fault = "permission_missing" // a mail permission removed from the registration
	FaultConsentMissing    Fault = "consent_missing"    // the organisation-wide grant removed
	FaultDisabled          Fault = "disabled"           // service principal accountEnabled false
	FaultDeleted           Fault = "deleted"            // application moved to the deleted items
	FaultNoSP              Fault = "no_service_principal"
	FaultMultiTenantNoSP   Fault = "multitenant_no_sp" // AzureADMultipleOrgs, no service principal here
	FaultSecretExpiring    Fault = "secret_expiring"   // client secret ends in 10 days
	FaultSecretExpired     Fault = "secret_expired"
	FaultRoleMissing       Fault = "role_missing" // an Exchange app role assignment removed
)

type permScope struct {
	ID                      string `json:"id"`
	Value                   string `json:"value"`
	Type                    string `json:"type"`
	IsEnabled               bool   `json:"isEnabled"`
	AdminConsentDisplayName string `json:"adminConsentDisplayName"`
}

type appRole struct {
	ID                 string   `json:"id"`
	Value              string   `json:"value"`
	AllowedMemberTypes []string `json:"allowedMemberTypes"`
	IsEnabled          bool     `json:"isEnabled"`
	DisplayName        string   `json:"displayName"`
}

type resourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type requiredResource struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []resourceAccess `json:"resourceAccess"`
}

type redirects struct {
	RedirectURIs []string `json:"redirectUris"`
}

type password struct {
	KeyID         string    `json:"keyId"`
	DisplayName   string    `json:"displayName"`
	Hint          string    `json:"hint"`
	StartDateTime time.Time `json:"startDateTime"`
	EndDateTime   time.Time `json:"endDateTime"`
	secret        string
}

type application struct {
	ID                     string             `json:"id"`
	AppID                  string             `json:"appId"`
	DisplayName            string             `json:"displayName"`
	SignInAudience         string             `json:"signInAudience"`
	IsFallbackPublicClient *bool              `json:"isFallbackPublicClient"`
	PublicClient           redirects          `json:"publicClient"`
	Web                    redirects          `json:"web"`
	RequiredResourceAccess []requiredResource `json:"requiredResourceAccess"`
	PasswordCredentials    []password         `json:"passwordCredentials"`
	CreatedDateTime        time.Time          `json:"createdDateTime"`
	DeletedDateTime        *time.Time         `json:"deletedDateTime"`
	owner                  string
	visible                time.Time
}

type servicePrincipal struct {
	ID                     string      `json:"id"`
	AppID                  string      `json:"appId"`
	DisplayName            string      `json:"displayName"`
	AccountEnabled         bool        `json:"accountEnabled"`
	ServicePrincipalType   string      `json:"servicePrincipalType"`
	AppOwnerOrganizationID string      `json:"appOwnerOrganizationId"`
	OAuth2PermissionScopes []permScope `json:"oauth2PermissionScopes"`
	AppRoles               []appRole   `json:"appRoles"`
	visible                time.Time
}

type grant struct {
	ID          string  `json:"id"`
	ClientID    string  `json:"clientId"`
	ConsentType string  `json:"consentType"`
	PrincipalID *string `json:"principalId"`
	ResourceID  string  `json:"resourceId"`
	Scope       string  `json:"scope"`
}

type assignment struct {
	ID                   string    `json:"id"`
	AppRoleID            string    `json:"appRoleId"`
	PrincipalID          string    `json:"principalId"`
	PrincipalDisplayName string    `json:"principalDisplayName"`
	PrincipalType        string    `json:"principalType"`
	ResourceID           string    `json:"resourceId"`
	ResourceDisplayName  string    `json:"resourceDisplayName"`
	CreatedDateTime      time.Time `json:"createdDateTime"`
}

// Options configure the stand-in.
type Options struct {
	// Roles are the directory roles per user (lower-case login). Default:
	// admin@<first domain> is Application Administrator; everyone else
	// holds no role.
	Roles map[string][]string
	// ReplicationDelay hides what was created from reads and sign-ins for
	// this long, as Entra's replication does (a few seconds to minutes).
	ReplicationDelay time.Duration
	Now              func() time.Time
}

// Server is the Graph stand-in, mounted on an identity server.
type Server struct {
	id   *identity.Server
	opts Options

	mu      sync.Mutex
	apps    map[string]*application // by object id
	deleted map[string]*application
	// foreign are other organisations' multi-tenant apps, by client ID:
	// the identity platform knows them, this tenant's Graph lists no
	// application object for them — only, once brought in, a service
	// principal.
	foreign     map[string]*application
	sps         map[string]*servicePrincipal
	grants      map[string]*grant
	assignments map[string]*assignment
	roles       map[string][]string
	delay       time.Duration
	requests    []string // "METHOD path" of every call, for tests
	throttle    int      // the next calls answered 429
	retryAfter  int      // their Retry-After, in seconds
}

// New builds the stand-in and mounts it at /v1.0/ on the identity server.
func New(id *identity.Server, opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{id: id, opts: opts, apps: map[string]*application{}, deleted: map[string]*application{}, foreign: map[string]*application{},
		sps: map[string]*servicePrincipal{}, grants: map[string]*grant{}, assignments: map[string]*assignment{},
		roles: map[string][]string{}, delay: opts.ReplicationDelay}
	if opts.Roles == nil {
		s.roles["admin@"+strings.ToLower(id.Domains()[0])] = []string{RoleAppAdmin}
	}
	for u, r := range opts.Roles {
		s.roles[strings.ToLower(u)] = r
	}
	// The IDs of permissions and roles are made fresh for every sandbox, and
	// differ between the two resources, as the same names do in Entra: a
	// program that hard-coded an ID instead of looking it up fails here.
	scopes := func(names ...string) []permScope {
		var out []permScope
		for _, n := range names {
			out = append(out, permScope{ID: newID(), Value: n, Type: "User", IsEnabled: true, AdminConsentDisplayName: n})
		}
		return out
	}
	roles := func(names ...string) []appRole {
		var out []appRole
		for _, n := range names {
			out = append(out, appRole{ID: newID(), Value: n, AllowedMemberTypes: []string{"Application"}, IsEnabled: true, DisplayName: n})
		}
		return out
	}
	first := "f8cdef31-a31e-4b4a-93e4-5f571e91255a" // Microsoft's own tenant owns first-party apps
	s.addSP(&servicePrincipal{AppID: GraphAppID, DisplayName: "Microsoft Graph", AppOwnerOrganizationID: first,
		OAuth2PermissionScopes: scopes("offline_access", "openid", "profile", "email", "User.Read",
			"IMAP.AccessAsUser.All", "POP.AccessAsUser.All", "SMTP.Send", "Application.ReadWrite.All"),
		AppRoles: roles("Mail.Read", "Application.ReadWrite.All")})
	s.addSP(&servicePrincipal{AppID: ExchangeAppID, DisplayName: "Office 365 Exchange Online", AppOwnerOrganizationID: first,
		OAuth2PermissionScopes: scopes("IMAP.AccessAsUser.All", "POP.AccessAsUser.All", "SMTP.Send", "EWS.AccessAsUser.All"),
		AppRoles:               roles("IMAP.AccessAsApp", "POP.AccessAsApp", "SMTP.SendAsApp", "full_access_as_app")})
	s.addSP(&servicePrincipal{AppID: GraphCLIAppID, DisplayName: "Microsoft Graph Command Line Tools", AppOwnerOrganizationID: first})
	id.AddApp(identity.App{ClientID: GraphCLIAppID, Public: true, RedirectURIs: []string{"http://localhost"},
		GraphPermissions: AdminPermissions})
	id.HandleGraph(s.routes())
	return s
}

// AdminPermissions are the Graph permissions an administrator's client
// may ask for in the sandbox.
var AdminPermissions = []string{"Application.Read.All", "Application.ReadWrite.All", "DelegatedPermissionGrant.Read.All",
	"DelegatedPermissionGrant.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "Directory.Read.All", "User.Read"}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Server) addSP(sp *servicePrincipal) {
	sp.ID = newID()
	sp.AccountEnabled = true
	sp.ServicePrincipalType = "Application"
	s.sps[sp.ID] = sp
}

// SetRoles gives user these directory roles (none: an ordinary user).
func (s *Server) SetRoles(user string, roles []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[strings.ToLower(user)] = roles
}

// SetReplicationDelay hides new objects for d from now on.
func (s *Server) SetReplicationDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Throttle answers the next n calls with 429 and Retry-After: seconds, as
// Graph does when a tenant or app sends too much.
func (s *Server) Throttle(n, seconds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle, s.retryAfter = n, seconds
}

// Requests lists "METHOD /path" of every call so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// AppCount is how many registrations (not deleted) have this display name.
func (s *Server) AppCount(displayName string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.apps {
		if strings.EqualFold(a.DisplayName, displayName) {
			n++
		}
	}
	return n
}

// ServicePrincipalID is the object ID of the app's service principal (the
// "Enterprise application" ID Exchange's New-ServicePrincipal needs).
func (s *Server) ServicePrincipalID(appID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp := s.spByAppID(appID, true); sp != nil {
		return sp.ID
	}
	return ""
}

// ExchangeScript stands for an Exchange administrator running the
// PowerShell of the settings card: New-ServicePrincipal with the app's
// client ID and its service principal's object ID, then
// Add-MailboxPermission. Like Exchange, it refuses an object ID that is not
// the service principal's (the app registration's ID is the usual mistake).
// It returns the client ID whose tokens may now open the mailbox.
func (s *Server) ExchangeScript(appID, objectID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.spByAppID(appID, true)
	if sp == nil {
		return fmt.Errorf("the app %s has no service principal in the tenant", appID)
	}
	if !strings.EqualFold(sp.ID, objectID) {
		return fmt.Errorf("ObjectId %s is not the service principal of %s", objectID, appID)
	}
	return nil
}

// ForeignTenantID is the home tenant of the apps AddForeignApp makes.
const ForeignTenantID = "9c0ffee0-0000-4aaa-8bbb-0000000f0e19"

// AddForeignApp stands for another organisation's multi-tenant app
// (signInAudience AzureADMultipleOrgs, registered in ForeignTenantID) made
// for mail as mailoauth makes its own: "Mobile and desktop" http://localhost,
// public client flows, the delegated mail permissions under Exchange
// Online. The sign-in servers know its client ID, but this tenant has no
// application object for it and no service principal, so its sign-ins are
// refused until an administrator here creates the service principal and
// consents. It returns the client ID.
func (s *Server) AddForeignApp(displayName string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	yes := true
	ex := s.spByAppID(ExchangeAppID, true)
	var access []resourceAccess
	for _, p := range ex.OAuth2PermissionScopes {
		if mailPermission(p.Value) {
			access = append(access, resourceAccess{ID: p.ID, Type: "Scope"})
		}
	}
	now := s.opts.Now()
	a := &application{ID: newID(), AppID: newID(), DisplayName: displayName, SignInAudience: "AzureADMultipleOrgs",
		IsFallbackPublicClient: &yes, PublicClient: redirects{RedirectURIs: []string{"http://localhost"}},
		RequiredResourceAccess: []requiredResource{{ResourceAppID: ExchangeAppID, ResourceAccess: access}},
		CreatedDateTime:        now, visible: now}
	s.foreign[a.AppID] = a
	s.syncLocked(a)
	return a.AppID
}

// SeedFault breaks the registration of appID in one way.
func (s *Server) SeedFault(appID string, f Fault) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.appByAppID(appID, true)
	if a == nil {
		return fmt.Errorf("no application %s", appID)
	}
	sp := s.spByAppID(appID, true)
	now := s.opts.Now()
	switch f {
	case FaultRedirectMissing:
		a.PublicClient.RedirectURIs = nil
	case FaultRedirectWeb:
		a.Web.RedirectURIs = append(a.Web.RedirectURIs, a.PublicClient.RedirectURIs...)
		a.PublicClient.RedirectURIs = nil
	case FaultPublicFlowsOff:
		no := false
		a.IsFallbackPublicClient = &no
	case FaultPermissionMissing:
		// The first mail permission goes, under whichever resource it is.
		for i := range a.RequiredResourceAccess {
			rr := &a.RequiredResourceAccess[i]
			res := s.spByAppID(rr.ResourceAppID, true)
			for j, ra := range rr.ResourceAccess {
				if res != nil && mailPermission(res.scopeName(ra.ID)) {
					rr.ResourceAccess = append(rr.ResourceAccess[:j], rr.ResourceAccess[j+1:]...)
					s.syncLocked(a)
					return nil
				}
			}
		}
		return fmt.Errorf("no mail permission to remove")
	case FaultConsentMissing:
		if sp == nil {
			return fmt.Errorf("no service principal")
		}
		for id, g := range s.grants {
			if g.ClientID == sp.ID {
				delete(s.grants, id)
			}
		}
	case FaultDisabled:
		if sp == nil {
			return fmt.Errorf("no service principal")
		}
		sp.AccountEnabled = false
	case FaultDeleted:
		s.deleteAppLocked(a)
	case FaultNoSP, FaultMultiTenantNoSP:
		if f == FaultMultiTenantNoSP {
			a.SignInAudience = "AzureADMultipleOrgs"
		}
		if sp != nil {
			s.deleteSPLocked(sp)
		}
	case FaultSecretExpiring, FaultSecretExpired:
		if len(a.PasswordCredentials) == 0 {
			return fmt.Errorf("no client secret")
		}
		end := now.Add(10 * 24 * time.Hour)
		if f == FaultSecretExpired {
			end = now.Add(-24 * time.Hour)
		}
		for i := range a.PasswordCredentials {
			a.PasswordCredentials[i].EndDateTime = end
		}
	case FaultRoleMissing:
		if sp == nil {
			return fmt.Errorf("no service principal")
		}
		for id, as := range s.assignments {
			if as.PrincipalID == sp.ID {
				delete(s.assignments, id)
				break
			}
		}
	default:
		return fmt.Errorf("unknown fault %q", f)
	}
	s.syncLocked(a)
	return nil
}

func mailPermission(name string) bool {
	switch name {
	case "IMAP.AccessAsUser.All", "POP.AccessAsUser.All", "SMTP.Send":
		return true
	}
	return false
}

func (sp *servicePrincipal) scopeName(id string) string {
	for _, p := range sp.OAuth2PermissionScopes {
		if strings.EqualFold(p.ID, id) {
			return p.Value
		}
	}
	return ""
}

func (sp *servicePrincipal) roleName(id string) string {
	for _, r := range sp.AppRoles {
		if strings.EqualFold(r.ID, id) {
			return r.Value
		}
	}
	return ""
}

func (s *Server) isVisible(t time.Time) bool { return !s.opts.Now().Before(t) }

func (s *Server) appByAppID(appID string, evenHidden bool) *application {
	for _, a := range s.apps {
		if strings.EqualFold(a.AppID, appID) && (evenHidden || s.isVisible(a.visible)) {
			return a
		}
	}
	return nil
}

func (s *Server) spByAppID(appID string, evenHidden bool) *servicePrincipal {
	for _, sp := range s.sps {
		if strings.EqualFold(sp.AppID, appID) && (evenHidden || s.isVisible(sp.visible)) {
			return sp
		}
	}
	return nil
}

func (s *Server) deleteAppLocked(a *application) {
	now := s.opts.Now()
	a.DeletedDateTime = &now
	delete(s.apps, a.ID)
	s.deleted[a.ID] = a
	if sp := s.spByAppID(a.AppID, true); sp != nil {
		s.deleteSPLocked(sp)
	}
	s.id.RemoveApp(a.AppID)
}

func (s *Server) deleteSPLocked(sp *servicePrincipal) {
	delete(s.sps, sp.ID)
	for id, g := range s.grants {
		if g.ClientID == sp.ID {
			delete(s.grants, id)
		}
	}
	for id, as := range s.assignments {
		if as.PrincipalID == sp.ID {
			delete(s.assignments, id)
		}
	}
}

// syncLocked makes the identity platform's app match the registration, its
// service principal, grants, role assignments and secrets — once
// replication lets the sign-in servers see it.
func (s *Server) syncLocked(a *application) {
	if _, live := s.apps[a.ID]; !live && s.foreign[a.AppID] != a || !s.isVisible(a.visible) {
		s.id.RemoveApp(a.AppID)
		return
	}
	fallback := a.IsFallbackPublicClient != nil && *a.IsFallbackPublicClient
	app := identity.App{ClientID: a.AppID, RedirectURIs: a.PublicClient.RedirectURIs, WebRedirectURIs: a.Web.RedirectURIs,
		Public: len(a.PublicClient.RedirectURIs) > 0 || fallback, NoPublicFlows: !fallback, TrackConsent: true}
	for _, rr := range a.RequiredResourceAccess {
		res := s.spByAppID(rr.ResourceAppID, true)
		if res == nil {
			continue
		}
		for _, ra := range rr.ResourceAccess {
			if n := res.scopeName(ra.ID); ra.Type == "Scope" && mailPermission(n) && !contains(app.Permissions, n) {
				app.Permissions = append(app.Permissions, n)
			}
		}
	}
	now := s.opts.Now()
	for _, p := range a.PasswordCredentials {
		if now.Before(p.EndDateTime) {
			app.Secrets = append(app.Secrets, p.secret)
		}
	}
	sp := s.spByAppID(a.AppID, true)
	app.NoServicePrincipal = sp == nil || !s.isVisible(sp.visible)
	if !app.NoServicePrincipal {
		app.Disabled = !sp.AccountEnabled
		for _, g := range s.grants {
			if g.ClientID == sp.ID && g.ConsentType == "AllPrincipals" {
				app.Consented = append(app.Consented, strings.Fields(g.Scope)...)
			}
		}
		for _, as := range s.assignments {
			if as.PrincipalID != sp.ID {
				continue
			}
			if res := s.sps[as.ResourceID]; res != nil && res.AppID == ExchangeAppID {
				app.AppRoles = append(app.AppRoles, res.roleName(as.AppRoleID))
			}
		}
	}
	sort.Strings(app.AppRoles)
	s.id.AddApp(app)
}

// syncAppOf brings the identity platform's app of appID up to date after a
// change to its service principal, grants or role assignments.
func (s *Server) syncAppOf(appID string) {
	if a := s.appOf(appID); a != nil {
		s.syncLocked(a)
	}
}

// appOf is the application behind a service principal: this tenant's
// registration, or another organisation's app brought in here.
func (s *Server) appOf(appID string) *application {
	if a := s.appByAppID(appID, true); a != nil {
		return a
	}
	return s.foreign[strings.ToLower(appID)]
}

// syncLater runs the sync again once a replication delay has passed.
func (s *Server) syncLater(a *application, at time.Time) {
	d := at.Sub(s.opts.Now())
	if d <= 0 {
		return
	}
	time.AfterFunc(d+10*time.Millisecond, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.syncLocked(a)
	})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// --- HTTP ---

type caller struct {
	user   string
	scopes []string
	roles  []string
}

func (c caller) has(scopes ...string) bool {
	for _, s := range scopes {
		if contains(c.scopes, s) {
			return true
		}
	}
	return false
}

func (c caller) admin() bool {
	for _, r := range c.roles {
		if r == RoleAppAdmin || r == RoleCloudAppAdmin || r == RoleGlobalAdmin {
			return true
		}
	}
	return false
}

// graphError writes Graph's error JSON.
func (s *Server) graphError(w http.ResponseWriter, httpStatus int, code, message string) {
	now := s.opts.Now().UTC().Format("2006-01-02T15:04:05")
	rid := newID()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("request-id", rid)
	w.WriteHeader(httpStatus)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": message,
		"innerError": map[string]string{"date": now, "request-id": rid, "client-request-id": rid}}})
}

func (s *Server) denied(w http.ResponseWriter) {
	s.graphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

func (s *Server) notFound(w http.ResponseWriter, id string) {
	s.graphError(w, http.StatusNotFound, "Request_ResourceNotFound",
		fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func list[T any](ctx string, v []T) map[string]any {
	if v == nil {
		v = []T{}
	}
	return map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#" + ctx, "value": v}
}

// filterOn reads "$filter=<field> eq '<v>'" for one of fields: the field
// ("" without a filter) and the value. Graph refuses a clause it does not
// support with 400 Request_UnsupportedQuery; then ok is false and the answer
// is written.
func (s *Server) filterOn(w http.ResponseWriter, r *http.Request, fields ...string) (field, value string, ok bool) {
	if r.URL.Query().Get("$filter") == "" {
		return "", "", true
	}
	for _, f := range fields {
		if v, ok := filterValue(r, f); ok {
			return f, v, true
		}
	}
	s.graphError(w, http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property.")
	return "", "", false
}

// filterValue reads "$filter=<field> eq '<v>'".
func filterValue(r *http.Request, field string) (string, bool) {
	f := r.URL.Query().Get("$filter")
	if f == "" {
		return "", false
	}
	prefix := field + " eq '"
	if !strings.HasPrefix(f, prefix) || !strings.HasSuffix(f, "'") {
		return "", false
	}
	return strings.ReplaceAll(f[len(prefix):len(f)-1], "''", "'"), true
}

// matches applies an application filter read by filterOn (none: all match).
func matches(a *application, field, value string) bool {
	switch field {
	case "appId":
		return strings.EqualFold(a.AppID, value)
	case "displayName":
		return a.DisplayName == value
	}
	return true
}

func (s *Server) auth(w http.ResponseWriter, r *http.Request) (caller, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		s.graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
		return caller{}, false
	}
	p, err := s.id.ValidateFor(tok, identity.GraphResource, GraphAppID)
	if err != nil || p.User == "" {
		s.graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
		return caller{}, false
	}
	s.mu.Lock()
	roles := s.roles[strings.ToLower(p.User)]
	s.mu.Unlock()
	return caller{user: strings.ToLower(p.User), scopes: p.Scopes, roles: roles}, true
}

const (
	readApps    = "Application.Read.All"
	writeApps   = "Application.ReadWrite.All"
	readDir     = "Directory.Read.All"
	readGrants  = "DelegatedPermissionGrant.Read.All"
	writeGrants = "DelegatedPermissionGrant.ReadWrite.All"
	writeRoles  = "AppRoleAssignment.ReadWrite.All"
)

// handler is one endpoint's work; the route runs it with s.mu held.
type handler func(w http.ResponseWriter, r *http.Request, c caller)

// locked runs fn with the server's lock held.
func (s *Server) locked(fn handler) handler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		s.mu.Lock()
		defer s.mu.Unlock()
		fn(w, r, c)
	}
}

// Request bodies: a registration may be large and must be JSON (Graph
// answers 400 otherwise); the small reference bodies are read as far as
// they decode, as the stand-in always did.
const (
	registrationBody = 1 << 20
	referenceBody    = 1 << 16
)

// decoded reads the JSON body into a fresh In before the lock is taken (a
// slow client must not hold the others up), then runs fn with it under the
// lock. strict answers a body that is not JSON with Graph's 400.
func decoded[In any](s *Server, limit int64, strict bool, fn func(http.ResponseWriter, *http.Request, caller, *In)) handler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		var in In
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit)).Decode(&in); err != nil && strict {
			s.graphError(w, http.StatusBadRequest, "Request_BadRequest", "Invalid JSON: "+err.Error())
			return
		}
		s.locked(func(w http.ResponseWriter, r *http.Request, c caller) { fn(w, r, c, &in) })(w, r, c)
	}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	h := func(pattern string, need []string, fn handler) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.requests = append(s.requests, r.Method+" "+r.URL.Path)
			throttled := s.throttle > 0
			if throttled {
				s.throttle--
				w.Header().Set("Retry-After", fmt.Sprint(s.retryAfter))
			}
			s.mu.Unlock()
			if throttled {
				s.graphError(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests. Please retry after the time given in Retry-After.")
				return
			}
			c, ok := s.auth(w, r)
			if !ok {
				return
			}
			if !c.has(need...) {
				s.denied(w)
				return
			}
			fn(w, r, c)
		})
	}
	read := []string{readApps, writeApps, readDir, "Directory.ReadWrite.All"}
	write := []string{writeApps, "Directory.ReadWrite.All"}
	h("GET /v1.0/applications", read, s.locked(s.listApps))
	h("GET /v1.0/applications/{id}", read, s.locked(s.getApp))
	h("POST /v1.0/applications", write, decoded(s, registrationBody, true, s.createApp))
	h("PATCH /v1.0/applications/{id}", write, decoded(s, registrationBody, true, s.patchApp))
	h("POST /v1.0/applications/{id}/addPassword", write, decoded(s, referenceBody, false, s.addPassword))
	h("GET /v1.0/servicePrincipals", read, s.locked(s.listSPs))
	h("POST /v1.0/servicePrincipals", write, decoded(s, referenceBody, false, s.createSP))
	h("PATCH /v1.0/servicePrincipals/{id}", write, decoded(s, referenceBody, false, s.patchSP))
	h("GET /v1.0/servicePrincipals/{id}/appRoleAssignments", append([]string{writeRoles}, read...), s.locked(s.listAssignments))
	h("POST /v1.0/servicePrincipals/{id}/appRoleAssignedTo", []string{writeRoles}, decoded(s, referenceBody, false, s.assign))
	h("GET /v1.0/oauth2PermissionGrants", []string{readGrants, writeGrants, readDir, "Directory.ReadWrite.All"}, s.locked(s.listGrants))
	h("POST /v1.0/oauth2PermissionGrants", []string{writeGrants}, decoded(s, referenceBody, false, s.createGrant))
	h("PATCH /v1.0/oauth2PermissionGrants/{id}", []string{writeGrants}, decoded(s, referenceBody, false, s.patchGrant))
	h("GET /v1.0/directory/deletedItems/microsoft.graph.application", read, s.locked(s.listDeleted))
	h("POST /v1.0/directory/deletedItems/{id}/restore", write, s.locked(s.restore))
	mux.HandleFunc("/v1.0/", func(w http.ResponseWriter, r *http.Request) {
		s.graphError(w, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+strings.TrimPrefix(r.URL.Path, "/v1.0/")+"'.")
	})
	return mux
}

func (s *Server) listApps(w http.ResponseWriter, r *http.Request, _ caller) {
	field, v, ok := s.filterOn(w, r, "appId", "displayName")
	if !ok {
		return
	}
	var out []*application
	for _, a := range s.apps {
		if s.isVisible(a.visible) && matches(a, field, v) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedDateTime.Before(out[j].CreatedDateTime) })
	writeJSON(w, http.StatusOK, list("applications", out))
}

// appFromPath finds /applications/{id} or /applications(appId='…').
func (s *Server) appFromPath(r *http.Request) (*application, string) {
	id := r.PathValue("id")
	if v, ok := strings.CutPrefix(id, "(appId='"); ok {
		return s.appByAppID(strings.TrimSuffix(v, "')"), false), id
	}
	a := s.apps[id]
	if a != nil && !s.isVisible(a.visible) {
		return nil, id
	}
	return a, id
}

func (s *Server) getApp(w http.ResponseWriter, r *http.Request, _ caller) {
	a, id := s.appFromPath(r)
	if a == nil {
		s.notFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) createApp(w http.ResponseWriter, r *http.Request, c caller, in *application) {
	if strings.TrimSpace(in.DisplayName) == "" {
		s.graphError(w, http.StatusBadRequest, "Request_BadRequest", "Property 'displayName' is required.")
		return
	}
	if in.SignInAudience == "" {
		in.SignInAudience = "AzureADandPersonalMicrosoftAccount"
	}
	if msg := s.invalid(in); msg != "" {
		s.graphError(w, http.StatusBadRequest, "Request_BadRequest", msg)
		return
	}
	now := s.opts.Now()
	a := &application{ID: newID(), AppID: newID(), DisplayName: in.DisplayName, SignInAudience: in.SignInAudience,
		IsFallbackPublicClient: in.IsFallbackPublicClient, PublicClient: in.PublicClient, Web: in.Web,
		RequiredResourceAccess: in.RequiredResourceAccess, CreatedDateTime: now, owner: c.user, visible: now.Add(s.delay)}
	s.apps[a.ID] = a
	s.syncLocked(a)
	s.syncLater(a, a.visible)
	writeJSON(w, http.StatusCreated, a)
}

// invalid is Graph's 400 message for a registration it refuses ("" when it
// takes it).
func (s *Server) invalid(a *application) string {
	if msg := s.checkAccess(a.RequiredResourceAccess); msg != "" {
		return msg
	}
	return distinctRedirects(a)
}

// distinctRedirects refuses one redirect URI under two platforms, as Entra
// does ("Failed to update … application. Error detail: Redirect URIs must
// have distinct values", MicrosoftDocs/azure-docs#89929, when http://…
// stood under Web and was added under "Mobile and desktop"): a repair that
// adds http://localhost under "Mobile and desktop" must take it off Web in
// the same change. (The portal quotes the message; the Graph error code
// around it is assumed to be Request_BadRequest, Graph's code for invalid
// property values.)
func distinctRedirects(a *application) string {
	seen := map[string]bool{}
	for _, u := range append(slices.Clone(a.PublicClient.RedirectURIs), a.Web.RedirectURIs...) {
		if seen[u] {
			return "Redirect URIs must have distinct values."
		}
		seen[u] = true
	}
	return ""
}

// checkAccess refuses permission IDs that the resource does not define, as
// Graph does.
func (s *Server) checkAccess(rrs []requiredResource) string {
	for _, rr := range rrs {
		res := s.spByAppID(rr.ResourceAppID, true)
		if res == nil {
			return "The resource '" + rr.ResourceAppID + "' of requiredResourceAccess does not exist."
		}
		for _, ra := range rr.ResourceAccess {
			if ra.Type == "Scope" && res.scopeName(ra.ID) == "" || ra.Type == "Role" && res.roleName(ra.ID) == "" {
				return "Invalid value specified for property 'resourceAccess' of resource 'Application'."
			}
		}
	}
	return ""
}

func (s *Server) mayChange(a *application, c caller) bool { return c.admin() || a.owner == c.user }

func (s *Server) patchApp(w http.ResponseWriter, r *http.Request, c caller, in *map[string]json.RawMessage) {
	a, id := s.appFromPath(r)
	if a == nil {
		s.notFound(w, id)
		return
	}
	if !s.mayChange(a, c) {
		s.denied(w)
		return
	}
	upd := *a
	for k, v := range *in {
		var err error
		switch k {
		case "displayName":
			err = json.Unmarshal(v, &upd.DisplayName)
		case "signInAudience":
			err = json.Unmarshal(v, &upd.SignInAudience)
		case "isFallbackPublicClient":
			err = json.Unmarshal(v, &upd.IsFallbackPublicClient)
		case "publicClient":
			upd.PublicClient = redirects{}
			err = json.Unmarshal(v, &upd.PublicClient)
		case "web":
			upd.Web = redirects{}
			err = json.Unmarshal(v, &upd.Web)
		case "requiredResourceAccess":
			upd.RequiredResourceAccess = nil
			err = json.Unmarshal(v, &upd.RequiredResourceAccess)
		default:
			err = fmt.Errorf("property '%s' cannot be updated here", k)
		}
		if err != nil {
			s.graphError(w, http.StatusBadRequest, "Request_BadRequest", err.Error())
			return
		}
	}
	if msg := s.invalid(&upd); msg != "" {
		s.graphError(w, http.StatusBadRequest, "Request_BadRequest", msg)
		return
	}
	*a = upd
	s.syncLocked(a)
	w.WriteHeader(http.StatusNoContent)
}

type addPasswordIn struct {
	PasswordCredential struct {
		DisplayName string     `json:"displayName"`
		EndDateTime *time.Time `json:"endDateTime"`
	} `json:"passwordCredential"`
}

func (s *Server) addPassword(w http.ResponseWriter, r *http.Request, c caller, in *addPasswordIn) {
	a, id := s.appFromPath(r)
	if a == nil {
		s.notFound(w, id)
		return
	}
	if !s.mayChange(a, c) {
		s.denied(w)
		return
	}
	now := s.opts.Now()
	end := now.AddDate(2, 0, 0) // Graph's default: two years
	if in.PasswordCredential.EndDateTime != nil {
		end = *in.PasswordCredential.EndDateTime
	}
	secret := randSecret()
	p := password{KeyID: newID(), DisplayName: in.PasswordCredential.DisplayName, Hint: secret[:3],
		StartDateTime: now, EndDateTime: end, secret: secret}
	a.PasswordCredentials = append(a.PasswordCredentials, p)
	s.id.Remember(secret)
	s.syncLocked(a)
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential",
		"customKeyIdentifier": nil, "displayName": p.DisplayName, "endDateTime": p.EndDateTime, "hint": p.Hint,
		"keyId": p.KeyID, "secretText": secret, "startDateTime": p.StartDateTime})
}

// randSecret looks like Entra's secrets: 40 characters with a "~" in them.
func randSecret() string {
	b := make([]byte, 20)
	rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:3] + "8Q~" + h[3:40]
}

func (s *Server) listSPs(w http.ResponseWriter, r *http.Request, _ caller) {
	field, appID, ok := s.filterOn(w, r, "appId")
	if !ok {
		return
	}
	var out []*servicePrincipal
	for _, sp := range s.sps {
		if s.isVisible(sp.visible) && (field == "" || strings.EqualFold(sp.AppID, appID)) {
			out = append(out, sp)
		}
	}
	writeJSON(w, http.StatusOK, list("servicePrincipals", out))
}

type createSPIn struct {
	AppID string `json:"appId"`
}

func (s *Server) createSP(w http.ResponseWriter, r *http.Request, c caller, in *createSPIn) {
	a := s.appByAppID(in.AppID, false)
	home := s.id.TenantID()
	if a == nil && c.admin() {
		// Another organisation's multi-tenant app is brought in by an
		// administrator here (what consent does in the portal).
		a, home = s.foreign[strings.ToLower(in.AppID)], ForeignTenantID
	}
	if a == nil {
		// Graph sees no app of this tenant with this ID — not yet
		// replicated, or none — and takes it for another organisation's,
		// which only a caller who may consent for the organisation may bring
		// in (the shapes manicminer/hamilton retries on after creating an
		// app, msgraph/serviceprincipals.go). For an administrator, no
		// organisation has such an app.
		if !c.admin() {
			s.graphError(w, http.StatusForbidden, "Authorization_RequestDenied",
				"When using this permission, the backing application of the service principal being created must in the local tenant")
			return
		}
		s.graphError(w, http.StatusBadRequest, "Request_BadRequest",
			fmt.Sprintf("The appId '%s' of the service principal does not reference a valid application object.", in.AppID))
		return
	}
	if !s.mayChange(a, c) {
		s.denied(w)
		return
	}
	if s.spByAppID(a.AppID, true) != nil {
		s.graphError(w, http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue",
			"Another object with the same value for property servicePrincipalNames already exists.")
		return
	}
	now := s.opts.Now()
	sp := &servicePrincipal{AppID: a.AppID, DisplayName: a.DisplayName, AppOwnerOrganizationID: home, visible: now.Add(s.delay)}
	s.addSP(sp)
	s.syncLocked(a)
	s.syncLater(a, sp.visible)
	writeJSON(w, http.StatusCreated, sp)
}

func (s *Server) spFromPath(w http.ResponseWriter, r *http.Request) *servicePrincipal {
	return s.liveSP(w, r.PathValue("id"))
}

// liveSP is the service principal with this object ID once replication
// shows it; else Graph's 404 is written and it is nil.
func (s *Server) liveSP(w http.ResponseWriter, id string) *servicePrincipal {
	sp := s.sps[id]
	if sp == nil || !s.isVisible(sp.visible) {
		s.notFound(w, id)
		return nil
	}
	return sp
}

type patchSPIn struct {
	AccountEnabled *bool `json:"accountEnabled"`
}

func (s *Server) patchSP(w http.ResponseWriter, r *http.Request, c caller, in *patchSPIn) {
	sp := s.spFromPath(w, r)
	if sp == nil {
		return
	}
	a := s.appOf(sp.AppID)
	if a == nil || !s.mayChange(a, c) {
		s.denied(w)
		return
	}
	if in.AccountEnabled != nil {
		sp.AccountEnabled = *in.AccountEnabled
	}
	s.syncLocked(a)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request, _ caller) {
	sp := s.spFromPath(w, r)
	if sp == nil {
		return
	}
	var out []*assignment
	for _, as := range s.assignments {
		if as.PrincipalID == sp.ID {
			out = append(out, as)
		}
	}
	writeJSON(w, http.StatusOK, list("appRoleAssignments", out))
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request, c caller, in *assignment) {
	res := s.spFromPath(w, r)
	if res == nil {
		return
	}
	// Exchange Online's app roles need one of the application roles; only
	// Microsoft Graph's own would need Privileged Role Administrator.
	if !c.admin() || res.AppID == GraphAppID && !contains(c.roles, RoleGlobalAdmin) {
		s.denied(w)
		return
	}
	principal := s.liveSP(w, in.PrincipalID)
	if principal == nil {
		return
	}
	if res.roleName(in.AppRoleID) == "" || in.ResourceID != res.ID {
		s.graphError(w, http.StatusBadRequest, "Request_BadRequest", "Permission being assigned was not found on application '"+res.AppID+"'.")
		return
	}
	for _, as := range s.assignments {
		if as.PrincipalID == in.PrincipalID && as.AppRoleID == in.AppRoleID && as.ResourceID == res.ID {
			s.graphError(w, http.StatusBadRequest, "Request_BadRequest", "Permission being assigned already exists on the object.")
			return
		}
	}
	as := &assignment{ID: newID(), AppRoleID: in.AppRoleID, PrincipalID: principal.ID, PrincipalDisplayName: principal.DisplayName,
		PrincipalType: "ServicePrincipal", ResourceID: res.ID, ResourceDisplayName: res.DisplayName, CreatedDateTime: s.opts.Now()}
	s.assignments[as.ID] = as
	s.syncAppOf(principal.AppID)
	writeJSON(w, http.StatusCreated, as)
}

func (s *Server) listGrants(w http.ResponseWriter, r *http.Request, _ caller) {
	field, clientID, ok := s.filterOn(w, r, "clientId")
	if !ok {
		return
	}
	var out []*grant
	for _, g := range s.grants {
		if field == "" || g.ClientID == clientID {
			out = append(out, g)
		}
	}
	writeJSON(w, http.StatusOK, list("oauth2PermissionGrants", out))
}

func (s *Server) createGrant(w http.ResponseWriter, r *http.Request, c caller, in *grant) {
	if in.ConsentType == "AllPrincipals" && !c.admin() {
		s.denied(w)
		return
	}
	client := s.liveSP(w, in.ClientID)
	if client == nil {
		return
	}
	res := s.sps[in.ResourceID]
	if res == nil {
		s.notFound(w, in.ResourceID)
		return
	}
	for _, sc := range strings.Fields(in.Scope) {
		if res.scopeName(sc) == "" && !scopeByValue(res, sc) {
			s.graphError(w, http.StatusBadRequest, "Request_BadRequest", "Invalid scope '"+sc+"' for resource '"+res.AppID+"'.")
			return
		}
	}
	for _, g := range s.grants {
		if g.ClientID == in.ClientID && g.ResourceID == in.ResourceID && g.ConsentType == in.ConsentType {
			s.graphError(w, http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", "Permission entry already exists.")
			return
		}
	}
	g := &grant{ID: randGrantID(), ClientID: in.ClientID, ConsentType: in.ConsentType, PrincipalID: in.PrincipalID,
		ResourceID: in.ResourceID, Scope: in.Scope}
	s.grants[g.ID] = g
	s.syncAppOf(client.AppID)
	writeJSON(w, http.StatusCreated, g)
}

func scopeByValue(res *servicePrincipal, v string) bool {
	for _, p := range res.OAuth2PermissionScopes {
		if p.Value == v {
			return true
		}
	}
	return false
}

// randGrantID looks like Entra's grant IDs (base64url, not a GUID).
func randGrantID() string {
	b := make([]byte, 33)
	rand.Read(b)
	return strings.NewReplacer("+", "-", "/", "_").Replace(fmt.Sprintf("%x", b))[:44]
}

type patchGrantIn struct {
	Scope string `json:"scope"`
}

func (s *Server) patchGrant(w http.ResponseWriter, r *http.Request, c caller, in *patchGrantIn) {
	g := s.grants[r.PathValue("id")]
	if g == nil {
		s.notFound(w, r.PathValue("id"))
		return
	}
	if g.ConsentType == "AllPrincipals" && !c.admin() {
		s.denied(w)
		return
	}
	g.Scope = in.Scope
	if client := s.sps[g.ClientID]; client != nil {
		s.syncAppOf(client.AppID)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listDeleted(w http.ResponseWriter, r *http.Request, _ caller) {
	// The deleted items take any filter, as they always did here.
	field, v := "", ""
	for _, f := range []string{"appId", "displayName"} {
		if x, ok := filterValue(r, f); ok {
			field, v = f, x
			break
		}
	}
	var out []*application
	for _, a := range s.deleted {
		if matches(a, field, v) {
			out = append(out, a)
		}
	}
	writeJSON(w, http.StatusOK, list("directoryObjects", out))
}

// restore brings an application back from the deleted items (Entra keeps
// them 30 days) with its client ID; its service principal stays gone.
func (s *Server) restore(w http.ResponseWriter, r *http.Request, c caller) {
	id := r.PathValue("id")
	a := s.deleted[id]
	if a == nil {
		s.notFound(w, id)
		return
	}
	if !s.mayChange(a, c) {
		s.denied(w)
		return
	}
	delete(s.deleted, id)
	a.DeletedDateTime = nil
	s.apps[a.ID] = a
	s.syncLocked(a)
	writeJSON(w, http.StatusOK, a)
}
