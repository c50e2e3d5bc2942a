package appreg

import (
	"context"
	"strings"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/graph"
	"mailoauth/core/oauth"
	"mailoauth/core/status"
)

// The Graph objects, with the fields we read and write.

type redirectSet struct {
	RedirectURIs []string `json:"redirectUris"`
}

type resourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"` // Scope (delegated) or Role (application)
}

type requiredResource struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []resourceAccess `json:"resourceAccess"`
}

type passwordCredential struct {
	KeyID       string    `json:"keyId"`
	DisplayName string    `json:"displayName"`
	EndDateTime time.Time `json:"endDateTime"`
	SecretText  string    `json:"secretText,omitempty"`
}

// Application is an app registration as Graph returns it.
type Application struct {
	ID                     string               `json:"id"`
	AppID                  string               `json:"appId"`
	DisplayName            string               `json:"displayName"`
	SignInAudience         string               `json:"signInAudience"`
	IsFallbackPublicClient *bool                `json:"isFallbackPublicClient"`
	PublicClient           redirectSet          `json:"publicClient"`
	Web                    redirectSet          `json:"web"`
	RequiredResourceAccess []requiredResource   `json:"requiredResourceAccess"`
	PasswordCredentials    []passwordCredential `json:"passwordCredentials"`
}

type permission struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// ServicePrincipal is an app's "Enterprise application" in the tenant.
type ServicePrincipal struct {
	ID                     string       `json:"id"`
	AppID                  string       `json:"appId"`
	DisplayName            string       `json:"displayName"`
	AccountEnabled         bool         `json:"accountEnabled"`
	OAuth2PermissionScopes []permission `json:"oauth2PermissionScopes"`
	AppRoles               []permission `json:"appRoles"`
}

type permissionGrant struct {
	ID          string `json:"id,omitempty"`
	ClientID    string `json:"clientId"`
	ConsentType string `json:"consentType"`
	ResourceID  string `json:"resourceId"`
	Scope       string `json:"scope"`
}

type roleAssignment struct {
	ID          string `json:"id,omitempty"`
	AppRoleID   string `json:"appRoleId"`
	PrincipalID string `json:"principalId"`
	ResourceID  string `json:"resourceId"`
}

type list[T any] struct {
	Value []T `json:"value"`
}

// idOf and valueOf translate between a permission's name and its ID on
// one resource.
func idOf(ps []permission, value string) string {
	for _, p := range ps {
		if p.Value == value {
			return p.ID
		}
	}
	return ""
}

func valueOf(ps []permission, id string) string {
	for _, p := range ps {
		if strings.EqualFold(p.ID, id) {
			return p.Value
		}
	}
	return ""
}

func (sp *ServicePrincipal) scopeID(name string) string { return idOf(sp.OAuth2PermissionScopes, name) }
func (sp *ServicePrincipal) scopeName(id string) string {
	return valueOf(sp.OAuth2PermissionScopes, id)
}
func (sp *ServicePrincipal) roleID(name string) string { return idOf(sp.AppRoles, name) }
func (sp *ServicePrincipal) roleName(id string) string { return valueOf(sp.AppRoles, id) }

// Want is what a registration must have for mailoauth.
type Want struct {
	Name         string
	Flow         account.Flow
	Protocols    []account.Protocol
	NativeClient bool // also Microsoft's nativeclient redirect
}

func (w Want) appOnly() bool { return w.Flow == account.FlowApp }

// mailPermissions are the delegated (or, app-only, application) mail
// permissions the protocols need.
func (w Want) mailPermissions() []string {
	var out []string
	for _, p := range w.Protocols {
		if w.appOnly() {
			out = append(out, oauth.AppRoleName(p))
		} else {
			out = append(out, oauth.ScopeName(p))
		}
	}
	return out
}

// graphScopes are the OpenID permissions under Microsoft Graph a delegated
// sign-in asks for (refresh token, learning the user).
var graphScopes = []string{"offline_access", "openid", "profile", "email"}

const loopbackRedirect = "http://localhost"

func (w Want) redirects() []string {
	if w.appOnly() {
		return nil
	}
	out := []string{loopbackRedirect}
	if w.NativeClient {
		out = append(out, account.NativeClientURI)
	}
	return out
}

// resources holds the two resource service principals of the tenant, read
// once per operation: the permission IDs come from them, never from a
// table in the program — the same name has different IDs on the two.
type resources struct {
	exchange, graph *ServicePrincipal
}

func (s *Session) servicePrincipal(ctx context.Context, appID string) (*ServicePrincipal, error) {
	var l list[ServicePrincipal]
	if err := s.Graph.Get(ctx, "/servicePrincipals"+graph.Filter("appId", appID), &l); err != nil {
		return nil, err
	}
	if len(l.Value) == 0 {
		return nil, nil
	}
	return &l.Value[0], nil
}

func (s *Session) resources(ctx context.Context) (*resources, *status.Problem) {
	var r resources
	for _, x := range []struct {
		appID string
		into  **ServicePrincipal
	}{{ExchangeAppID, &r.exchange}, {GraphAppID, &r.graph}} {
		sp, err := s.servicePrincipal(ctx, x.appID)
		if err != nil {
			return nil, s.fail("read", err)
		}
		if sp == nil {
			// Every Microsoft 365 tenant has both; without them nothing of
			// the mail setup can work.
			return nil, status.New(status.Red, "appreg.no_resource", "resource", x.appID)
		}
		*x.into = sp
	}
	return &r, nil
}
