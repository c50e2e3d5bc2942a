package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailoauth/core/sandbox"
	"mailoauth/core/sandbox/graph"
	"mailoauth/core/secret"
)

func (h *sandboxCLI) must(want int, args ...string) (string, string) {
	h.t.Helper()
	out, errs, code := h.run("", args...)
	if code != want {
		h.t.Fatalf("mailoauth %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errs)
	}
	return out, errs
}

func allGreen(t *testing.T, out string) {
	t.Helper()
	var res []map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 3 {
		t.Fatalf("check output: %v\n%s", err, out)
	}
	for _, r := range res {
		if r["status"] != "green" {
			t.Errorf("%v: %v %v", r["protocol"], r["status"], r["message"])
		}
	}
}

// leakScan fails when a secret the sandbox handed out (the administrator's
// Graph tokens among them, and the client secret) shows up in the config
// folder, the log or anything printed.
func (h *sandboxCLI) leakScan(printed string) {
	h.t.Helper()
	secrets := h.sb.Identity.Issued()
	hay := printed
	for _, dir := range []string{h.dir, os.Getenv("MAILOAUTH_LOG_DIR")} {
		filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				b, _ := os.ReadFile(p)
				hay += string(b)
			}
			return nil
		})
	}
	if len(secrets) < 3 || len(hay) < 100 {
		h.t.Fatalf("scan would prove nothing: %d secrets, %d bytes", len(secrets), len(hay))
	}
	for _, s := range secrets {
		if strings.Contains(hay, s) {
			h.t.Errorf("secret %.8s… found on disk or in output", s)
		}
	}
}

func TestRegisterDelegatedThenAuthorizeGreenAndRerun(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true})
	var printed strings.Builder
	args := append([]string{"register", "--tenant", h.tenantURL(), "--admin", "admin@contoso.example",
		"--account", "anna", "--login", "anna@contoso.example"}, h.servers()...)
	out, errs := h.must(ExitOK, args...)
	printed.WriteString(out + errs)
	if !strings.Contains(out, "created") || !strings.Contains(out, "mailoauth authorize anna") {
		t.Fatalf("register output:\n%s", out)
	}
	out, errs = h.must(ExitOK, "authorize", "anna")
	printed.WriteString(out + errs)
	out, errs = h.must(ExitOK, "check", "anna", "--json")
	printed.WriteString(out + errs)
	allGreen(t, out)
	// Run twice: the registration is found, nothing is made twice.
	out, errs = h.must(ExitOK, args...)
	printed.WriteString(out + errs)
	if !strings.Contains(out, "found") || h.sb.Graph.AppCount("mailoauth") != 1 {
		t.Fatalf("rerun made a second registration:\n%s", out)
	}
	out, errs = h.must(ExitOK, "app", "check", "anna")
	printed.WriteString(out + errs)
	if !strings.Contains(out, "Everything mailoauth needs") {
		t.Errorf("app check:\n%s", out)
	}
	h.leakScan(printed.String())
}

func TestRegisterAppOnlyThenExchangeScriptGreen(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true})
	var printed strings.Builder
	mailbox := "info@contoso.example"
	out, errs := h.must(ExitOK, append([]string{"register", "--flow", "app", "--name", "mailoauth-app", "--tenant", h.tenantURL(),
		"--admin", "admin@contoso.example", "--account", "info", "--login", mailbox, "--json"}, h.servers()...)...)
	printed.WriteString(out + errs)
	var res struct {
		ClientID string `json:"client_id"`
		SPID     string `json:"service_principal_id"`
		Script   string `json:"exchange_powershell"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if res.SPID == "" || res.SPID != h.sb.Graph.ServicePrincipalID(res.ClientID) ||
		!strings.Contains(res.Script, "New-ServicePrincipal -AppId "+res.ClientID+" -ObjectId "+res.SPID) || strings.Contains(res.Script, "<OBJECT-ID>") {
		t.Fatalf("script:\n%s", res.Script)
	}
	if len(h.mem.Values()) != 1 {
		t.Fatalf("keyring holds %d values, want the client secret", len(h.mem.Values()))
	}
	// Before the Exchange administrator ran the script, Exchange refuses.
	out, _, code := h.run("", "check", "info", "--json")
	if code != ExitFailure {
		t.Fatalf("check before the script: %d\n%s", code, out)
	}
	if err := h.sb.RunExchangeScript(res.ClientID, res.SPID, mailbox); err != nil {
		t.Fatal(err)
	}
	out, errs = h.must(ExitOK, "check", "info", "--json")
	printed.WriteString(out + errs)
	allGreen(t, out)
	// A second mailbox of the app takes info's secret: none is added in
	// Entra, and the output says whose it is.
	out, errs = h.must(ExitOK, append([]string{"register", "--flow", "app", "--name", "mailoauth-app", "--tenant", h.tenantURL(),
		"--admin", "admin@contoso.example", "--account", "alarm", "--login", "alarm@contoso.example", "--yes"}, h.servers()...)...)
	printed.WriteString(out + errs)
	infoSecret, _ := h.mem.Get(context.Background(), secret.ClientSecretKey("info"))
	alarmSecret, _ := h.mem.Get(context.Background(), secret.ClientSecretKey("alarm"))
	if app, _ := h.sb.Identity.LookupApp(res.ClientID); len(app.Secrets) != 1 || alarmSecret == "" || alarmSecret != infoSecret ||
		!strings.Contains(out, "Client secret: the one of account info (no new secret in Entra)") {
		t.Errorf("second mailbox: %d secrets in Entra, same secret %v\n%s", len(app.Secrets), alarmSecret == infoSecret, out)
	}
	h.leakScan(printed.String())
}

func TestRegisterNonAdminGetsRoleMessage(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true})
	_, errs := h.must(ExitFailure, "register", "--tenant", h.tenantURL(), "--admin", "anna@contoso.example")
	if !strings.Contains(errs, "anna@contoso.example may not grant admin consent") || !strings.Contains(errs, "Cloud Application Administrator") {
		t.Errorf("stderr:\n%s", errs)
	}
}

func TestAppCheckRepair(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true})
	h.must(ExitOK, append([]string{"register", "--tenant", h.tenantURL(), "--admin", "admin@contoso.example",
		"--account", "anna", "--login", "anna@contoso.example"}, h.servers()...)...)
	out, _ := h.must(ExitOK, "account", "show", "anna", "--json")
	var acct struct {
		ClientID string `json:"client_id"`
	}
	json.Unmarshal([]byte(out), &acct)
	if err := h.sb.Graph.SeedFault(acct.ClientID, graph.FaultRedirectWeb); err != nil {
		t.Fatal(err)
	}
	// Entra signs the user in, then refuses to redeem the code without a
	// secret: a Web redirect makes the app confidential.
	if _, errs, code := h.run("", "authorize", "anna"); code != ExitFailure || !strings.Contains(errs, "AADSTS7000218") ||
		!strings.Contains(errs, "Mobile and desktop applications") {
		t.Fatalf("authorize with a Web redirect: %d\n%s", code, errs)
	}
	out, _ = h.must(ExitFailure, "app", "check", "--client-id", acct.ClientID, "--tenant", h.tenantURL(), "--admin", "admin@contoso.example")
	if !strings.Contains(out, "Web platform only") || !strings.Contains(out, "--repair") {
		t.Fatalf("check:\n%s", out)
	}
	out, _ = h.must(ExitOK, "app", "check", "anna", "--repair", "--admin", "admin@contoso.example")
	if !strings.Contains(out, "Repaired: 1") {
		t.Errorf("repair:\n%s", out)
	}
	// "Now:" must be followed by the state after the repair, not by nothing;
	// a finding is labelled with its light, not with a check's sentence.
	if after := out[strings.Index(out, "Now:"):]; !strings.Contains(after, "Everything mailoauth needs is in place.") {
		t.Errorf("nothing said after the repair:\n%s", out)
	}
	if !strings.Contains(out, "[red] ") || strings.Contains(out, "[Failed.]") {
		t.Errorf("finding label:\n%s", out)
	}
	h.must(ExitOK, "authorize", "anna")
}

// `app check --client-id ID --tenant T` for another organisation's
// multi-tenant app that has no service principal here: the check names the
// missing enterprise application, --repair brings the app in (service
// principal and consent, no registration of our own), and the mailbox then
// signs in with that client ID. A client ID nobody has is called so.
func TestAppCheckForeignMultiTenantApp(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true})
	clientID := h.sb.Graph.AddForeignApp("Fabrikam Mail Tool")
	h.must(ExitOK, h.addArgs("anna", "anna@contoso.example", "--client-id", clientID)...)
	if _, errs, code := h.run("", "authorize", "anna"); code != ExitFailure || !strings.Contains(errs, "AADSTS65001") {
		t.Fatalf("authorize before the app is brought in: %d\n%s", code, errs)
	}
	check := []string{"app", "check", "--client-id", clientID, "--tenant", h.tenantURL(), "--admin", "admin@contoso.example"}
	out, _ := h.must(ExitFailure, check...)
	if !strings.Contains(out, "no enterprise application (service principal)") || !strings.Contains(out, "--repair") {
		t.Fatalf("check:\n%s", out)
	}
	out, _ = h.must(ExitOK, append(check, "--repair")...)
	if !strings.Contains(out, "Repaired: 1") || !strings.Contains(out, "Everything mailoauth needs is in place.") {
		t.Fatalf("repair:\n%s", out)
	}
	if n := h.sb.Graph.AppCount("mailoauth") + h.sb.Graph.AppCount("Fabrikam Mail Tool"); n != 0 {
		t.Errorf("%d registrations made in this tenant", n)
	}
	h.must(ExitOK, "authorize", "anna")
	out, _ = h.must(ExitOK, "check", "anna", "--json")
	allGreen(t, out)

	out, errs := h.must(ExitFailure, "app", "check", "--client-id", "0bad0bad-0000-4000-8000-00000000c1d0", "--tenant", h.tenantURL(),
		"--admin", "admin@contoso.example", "--repair")
	if !strings.Contains(errs, "was not found anywhere") || h.sb.Graph.AppCount("mailoauth") != 0 {
		t.Errorf("repair of an unknown client ID:\n%s", errs)
	}
	// A repair that stopped does not go on to say all is in place.
	if strings.Contains(out, "Now:") || strings.Contains(out, "Everything mailoauth needs") {
		t.Errorf("stopped repair reported as done:\n%s", out)
	}
}

// --graph-url says where Graph answers: an address that is no http(s) URL
// is refused before the administrator signs in, one where nothing answers
// is named as unreachable, and the stand-in's own address works.
func TestRegisterGraphURL(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true})
	base := []string{"register", "--tenant", h.tenantURL(), "--admin", "admin@contoso.example"}
	_, errs := h.must(ExitFailure, append(base, "--graph-url", "ftp://graph.example")...)
	if !strings.Contains(errs, `"ftp://graph.example" is not usable`) || !strings.Contains(errs, "--graph-url") || len(h.sb.Identity.Issued()) != 0 {
		t.Errorf("bad URL (%d tokens issued):\n%s", len(h.sb.Identity.Issued()), errs)
	}
	_, errs = h.must(ExitFailure, append(base, "--graph-url", "https://127.0.0.1:1")...)
	if !strings.Contains(errs, "Microsoft Graph at 127.0.0.1:1 cannot be reached") {
		t.Errorf("unreachable Graph:\n%s", errs)
	}
	out, _ := h.must(ExitOK, append(base, "--graph-url", h.sb.Identity.Authority()+"/")...)
	if !strings.Contains(out, "created") || h.sb.Graph.AppCount("mailoauth") != 1 {
		t.Errorf("Graph at the stand-in's address:\n%s", out)
	}
}

// Right after creation Entra has not spread the new app to every server:
// register waits that out (with the default backoff) and says that it
// waits, on stderr, then carries on to a registration that signs in.
func TestRegisterSurvivesReplicationDelay(t *testing.T) {
	h := newSandboxCLIWith(t, sandbox.Options{AutoConsent: true})
	h.sb.Graph.SetReplicationDelay(1500 * time.Millisecond)
	_, errs := h.must(ExitOK, append([]string{"register", "--tenant", h.tenantURL(), "--admin", "admin@contoso.example",
		"--account", "anna", "--login", "anna@contoso.example"}, h.servers()...)...)
	if !strings.Contains(errs, "Entra is still spreading the change to all its servers") {
		t.Errorf("no waiting shown:\n%s", errs)
	}
	h.must(ExitOK, "authorize", "anna")
}
