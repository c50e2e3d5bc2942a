package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"mailoauth/core/sandbox/certs"
	"mailoauth/core/sandbox/graph"
	"mailoauth/core/sandbox/identity"
)

type env struct {
	t  *testing.T
	id *identity.Server
	g  *graph.Server
	hc *http.Client
}

func start(t *testing.T) *env { return startWith(t, graph.Options{}) }

func startWith(t *testing.T, opts graph.Options) *env {
	ca, err := certs.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	id, err := identity.New(identity.Options{CA: ca})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { id.Close() })
	return &env{t: t, id: id, g: graph.New(id, opts), hc: id.HTTPClient()}
}

func (e *env) call(user, method, path string, body any, out any) (int, string) {
	e.t.Helper()
	tok := e.id.IssueTokenFor(identity.GraphResource, user, graph.GraphCLIAppID, graph.AdminPermissions...)
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.id.Authority()+"/v1.0"+path, rd)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		json.Unmarshal(b, out)
	}
	return resp.StatusCode, string(b)
}

// A registration made through Graph becomes an app of the identity
// platform; its service principal and an organisation-wide grant make it
// usable; an ordinary user may not grant for the organisation.
func TestRegistrationBecomesIdentityApp(t *testing.T) {
	e := start(t)
	var sps struct {
		Value []struct {
			ID                     string
			OAuth2PermissionScopes []struct{ ID, Value string }
		}
	}
	e.call("admin@contoso.example", "GET", "/servicePrincipals?$filter="+strings.ReplaceAll("appId eq '"+graph.ExchangeAppID+"'", " ", "%20"), nil, &sps)
	if len(sps.Value) != 1 {
		t.Fatalf("exchange SP: %+v", sps)
	}
	imap := ""
	for _, p := range sps.Value[0].OAuth2PermissionScopes {
		if p.Value == "IMAP.AccessAsUser.All" {
			imap = p.ID
		}
	}
	yes := true
	var app struct{ ID, AppID string }
	code, body := e.call("anna@contoso.example", "POST", "/applications", map[string]any{"displayName": "mailoauth",
		"signInAudience": "AzureADMyOrg", "isFallbackPublicClient": yes,
		"publicClient":           map[string]any{"redirectUris": []string{"http://localhost"}},
		"requiredResourceAccess": []map[string]any{{"resourceAppId": graph.ExchangeAppID, "resourceAccess": []map[string]string{{"id": imap, "type": "Scope"}}}}}, &app)
	if code != 201 || app.AppID == "" {
		t.Fatalf("create: %d %s", code, body)
	}
	a, ok := e.id.LookupApp(app.AppID)
	if !ok || !a.Public || len(a.Permissions) != 1 || a.Permissions[0] != "IMAP.AccessAsUser.All" {
		t.Fatalf("identity app: %+v %v", a, ok)
	}
	var sp struct{ ID string }
	if code, body := e.call("anna@contoso.example", "POST", "/servicePrincipals", map[string]string{"appId": app.AppID}, &sp); code != 201 {
		t.Fatalf("sp: %d %s", code, body)
	}
	g := map[string]any{"clientId": sp.ID, "consentType": "AllPrincipals", "resourceId": sps.Value[0].ID, "scope": "IMAP.AccessAsUser.All"}
	code, body = e.call("anna@contoso.example", "POST", "/oauth2PermissionGrants", g, nil)
	if code != 403 || !strings.Contains(body, `"code":"Authorization_RequestDenied"`) || !strings.Contains(body, "request-id") {
		t.Fatalf("non-admin grant: %d %s", code, body)
	}
	if code, body := e.call("admin@contoso.example", "POST", "/oauth2PermissionGrants", g, nil); code != 201 {
		t.Fatalf("admin grant: %d %s", code, body)
	}
	if a, _ := e.id.LookupApp(app.AppID); len(a.Consented) != 1 {
		t.Errorf("consent not synced: %+v", a)
	}
	// A permission ID the resource does not define is refused.
	code, _ = e.call("admin@contoso.example", "PATCH", "/applications/"+app.ID, map[string]any{
		"requiredResourceAccess": []map[string]any{{"resourceAppId": graph.ExchangeAppID, "resourceAccess": []map[string]string{{"id": "652390e4-393a-48de-9484-05f9b1212954", "type": "Scope"}}}}}, nil)
	if code != 400 {
		t.Errorf("foreign permission ID accepted: %d", code)
	}
}

func TestReplicationDelayHidesNewObjects(t *testing.T) {
	// The stand-in's own clock, so a slow machine cannot outrun the delay.
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := startWith(t, graph.Options{Now: clock})
	e.g.SetReplicationDelay(time.Minute)
	var app struct{ ID, AppID string }
	if code, body := e.call("admin@contoso.example", "POST", "/applications", map[string]any{"displayName": "x"}, &app); code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	code, body := e.call("admin@contoso.example", "POST", "/servicePrincipals", map[string]string{"appId": app.AppID}, nil)
	if code != 400 || !strings.Contains(body, "does not reference a valid application object") {
		t.Fatalf("sp during replication: %d %s", code, body)
	}
	if code, _ := e.call("admin@contoso.example", "GET", "/applications/"+app.ID, nil, nil); code != 404 {
		t.Errorf("read during replication: %d", code)
	}
	if _, ok := e.id.LookupApp(app.AppID); ok {
		t.Error("sign-in servers know the app before replication")
	}
	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	if code, body := e.call("admin@contoso.example", "POST", "/servicePrincipals", map[string]string{"appId": app.AppID}, nil); code != 201 {
		t.Fatalf("sp after replication: %d %s", code, body)
	}
	if _, ok := e.id.LookupApp(app.AppID); !ok {
		t.Error("app not synced after replication")
	}
}

func TestTokenForOutlookRefused(t *testing.T) {
	e := start(t)
	tok := e.id.IssueAccessToken("admin@contoso.example", graph.GraphCLIAppID, "IMAP.AccessAsUser.All")
	req, _ := http.NewRequest("GET", e.id.Authority()+"/v1.0/applications", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := e.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("outlook token accepted by Graph: %d", resp.StatusCode)
	}
}

// Entra keeps a redirect URI on one platform: adding http://localhost
// under "Mobile and desktop" while it stays under Web is refused, moving
// it (both lists in one change) is taken.
func TestRedirectUnderTwoPlatformsRefused(t *testing.T) {
	e := start(t)
	var app struct{ ID, AppID string }
	code, body := e.call("admin@contoso.example", "POST", "/applications", map[string]any{"displayName": "web-only",
		"isFallbackPublicClient": true, "web": map[string]any{"redirectUris": []string{"http://localhost"}}}, &app)
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	if a, _ := e.id.LookupApp(app.AppID); len(a.WebRedirectURIs) != 1 || len(a.RedirectURIs) != 0 {
		t.Fatalf("identity app: %+v", a)
	}
	code, body = e.call("admin@contoso.example", "PATCH", "/applications/"+app.ID, map[string]any{
		"publicClient": map[string]any{"redirectUris": []string{"http://localhost"}}}, nil)
	if code != 400 || !strings.Contains(body, "Redirect URIs must have distinct values") {
		t.Fatalf("same redirect under two platforms: %d %s", code, body)
	}
	code, body = e.call("admin@contoso.example", "POST", "/applications", map[string]any{"displayName": "both",
		"publicClient": map[string]any{"redirectUris": []string{"http://localhost"}},
		"web":          map[string]any{"redirectUris": []string{"http://localhost"}}}, nil)
	if code != 400 {
		t.Fatalf("created with the same redirect twice: %d %s", code, body)
	}
	code, body = e.call("admin@contoso.example", "PATCH", "/applications/"+app.ID, map[string]any{
		"publicClient": map[string]any{"redirectUris": []string{"http://localhost"}},
		"web":          map[string]any{"redirectUris": []string{}}}, nil)
	if code != 204 {
		t.Fatalf("move: %d %s", code, body)
	}
	if a, _ := e.id.LookupApp(app.AppID); len(a.WebRedirectURIs) != 0 || len(a.RedirectURIs) != 1 {
		t.Fatalf("identity app after the move: %+v", a)
	}
}
