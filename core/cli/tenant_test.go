package cli

import (
	"strings"
	"testing"

	"mailoauth/core/sandbox/identity"
)

// `account add` with a domain while the identity platform has trouble keeps
// the account with the domain: exit 0 and a note, never exit 3.
func TestAccountAddDuringIdentityTrouble(t *testing.T) {
	h := newSandboxCLI(t)
	h.sb.Identity.SetFault(identity.Fault{Endpoint: "discovery", HTTPStatus: 503, Times: 1})
	out, errs, code := h.run("", "account", "add", "t", "--login", "anna@contoso.example", "--tenant", h.sb.Identity.Authority()+"/contoso.example/",
		"--client-id", identity.PublicClientID)
	if code != ExitOK || !strings.Contains(out, "t") || !strings.Contains(errs, "contoso.example") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	// The domain is kept (Entra takes it in every URL) until a later lookup.
	if show, _, _ := h.run("", "account", "show", "t", "--json"); !strings.Contains(show, `"tenant": "contoso.example"`) {
		t.Fatalf("tenant not kept as the domain:\n%s", show)
	}
	if strings.Contains(errs, "registration") {
		t.Errorf("sends the user to the app registration:\n%s", errs)
	}
}
