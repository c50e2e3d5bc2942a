package app

import (
	"path/filepath"
	"reflect"
	"testing"

	"mailoauth/core/secret"
)

func TestSplitAndName(t *testing.T) {
	got := SplitMailboxes(" info@contoso.com, buchhaltung@contoso.com;\nsupport+it@contoso.com ")
	if !reflect.DeepEqual(got, []string{"info@contoso.com", "buchhaltung@contoso.com", "support+it@contoso.com"}) {
		t.Fatalf("%q", got)
	}
	if n := MailboxAccountName("buero", "Support+IT@contoso.com"); n != "buero-support-it" {
		t.Errorf("name %q", n)
	}
}

// TestAddMailboxes: several mailboxes for one login become several
// accounts; a taken name stops all of them before any is stored.
func TestAddMailboxes(t *testing.T) {
	dir := t.TempDir()
	s, p := Open(Options{ConfigDir: dir, LogDir: filepath.Join(dir, "log"), Secrets: &secret.Memory{}})
	if p != nil {
		t.Fatal(p)
	}
	defer s.Close()
	in := Input{Name: "buero", Login: "anna@contoso.com", Tenant: "https://login.microsoftonline.com/0b3c1a2d-4e5f-6789-abcd-ef0123456789/",
		ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718", Flow: "device", IMAP: "outlook.office365.com:993", POP3: "off", SMTP: "off"}
	saved, probs := s.AddMailboxes(t.Context(), in, []string{"info@contoso.com", "buchhaltung@contoso.com"}, "")
	if len(probs) > 0 || len(saved) != 2 {
		t.Fatalf("%v %v", saved, probs)
	}
	a, p := s.Account("buero-buchhaltung")
	if p != nil || a.Mailbox != "buchhaltung@contoso.com" || a.Login != "anna@contoso.com" {
		t.Fatalf("%+v %v", a, p)
	}
	_, probs = s.AddMailboxes(t.Context(), in, []string{"support@contoso.com", "info@contoso.com"}, "")
	if len(probs) != 1 || probs[0].Code != "app.mailboxes_taken" {
		t.Fatalf("taken: %v", probs)
	}
	if _, p := s.Account("buero-support"); p == nil {
		t.Error("a half-done list was stored")
	}
	if _, probs := s.AddMailboxes(t.Context(), in, []string{"a@contoso.com", "kein-postfach"}, ""); len(probs) == 0 {
		t.Error("an address without @ accepted")
	}
}
