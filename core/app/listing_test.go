package app

import (
	"sort"
	"strings"
	"testing"

	"mailoauth/core/account"
	"mailoauth/core/status"
)

func TestNaturalLess(t *testing.T) {
	names := []string{"konto-10", "konto-2", "Konto-1", "konto-1", "a", "konto-02b", "konto-2a", "x99999999999999999999999", "x100000000000000000000000"}
	sort.Slice(names, func(i, j int) bool { return NaturalLess(names[i], names[j]) })
	want := "a Konto-1 konto-1 konto-2 konto-2a konto-02b konto-10 x99999999999999999999999 x100000000000000000000000"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("order\n got %s\nwant %s", got, want)
	}
}

func TestMatches(t *testing.T) {
	a := &Account{Name: "buchhaltung", Login: "anna@contoso.com", Mailbox: "rechnung@contoso.com", Tenant: "contoso.onmicrosoft.com", Note: "Drucker im 2. Stock"}
	for q, want := range map[string]bool{"": true, "BUCH": true, "anna": true, "rechnung": true, "onmicrosoft": true, "drucker stock": true, "drucker keller": false, "fabrikam": false} {
		if Matches(a, q) != want {
			t.Errorf("%q: %v", q, !want)
		}
	}
}

func TestWorseFirst(t *testing.T) {
	l := []status.Level{status.Grey, status.Green, status.Red, status.Yellow}
	sort.Slice(l, func(i, j int) bool { return WorseFirst(l[i], l[j]) })
	if l[0] != status.Red || l[1] != status.Yellow || l[2] != status.Green || l[3] != status.Grey {
		t.Errorf("%v", l)
	}
}

// TestNoteKeptAndEditKeepsIt: the note is stored, bounded, and an edit of
// the settings keeps it and the mute.
func TestNoteKeptAndEditKeepsIt(t *testing.T) {
	s := memoryService(t, t.TempDir())
	a := account.Account{Name: "n", Login: "anna@contoso.com", Authority: "https://login.microsoftonline.com", Tenant: "0b3c1a2d-4e5f-6789-abcd-ef0123456789",
		ClientID: "1f2e3d4c-5b6a-4988-a1b2-c3d4e5f60718", Flow: account.FlowDevice, IMAP: account.DefaultServer(account.IMAP), Muted: true}
	if p := s.store.Add(&a); p != nil {
		t.Fatal(p)
	}
	if p := s.SetNote("n", "  Ticket 4711  "); p != nil {
		t.Fatal(p)
	}
	if p := s.SetNote("n", strings.Repeat("x", account.NoteMax+1)); p == nil || p.Code != "account.note_too_long" {
		t.Fatalf("long note: %v", p)
	}
	if p := s.SetNote("nobody", "x"); p == nil {
		t.Fatal("note for no account")
	}
	in := Input{Name: "n", Login: "anna@contoso.com", Tenant: a.Authority + "/" + a.Tenant + "/", ClientID: a.ClientID, Flow: "device", IMAP: "outlook.office365.com:993", POP3: "off", SMTP: "off"}
	if _, probs := s.Update(t.Context(), in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	got, p := s.Account("n")
	if p != nil || got.Note != "Ticket 4711" || !got.Muted {
		t.Fatalf("after edit: note %q muted %v (%v)", got.Note, got.Muted, p)
	}
}
