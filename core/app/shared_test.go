package app

import (
	"context"
	"slices"
	"testing"
)

// TestAuthorizeNamesTheSharedSignIn: authorizing one of several mailboxes
// of one login names the others it authorized (the window checks them, the
// command line says so); an account of another login is not among them.
func TestAuthorizeNamesTheSharedSignIn(t *testing.T) {
	sb, s, _ := sandboxService(t, nil)
	const login = "anna@contoso.example"
	in := input(sb, "buero", login)
	in.POP3, in.SMTP = "off", "off"
	if _, probs := s.AddMailboxes(context.Background(), in, []string{"info@contoso.example", "support@contoso.example"}, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	other := input(sb, "fritz", "fritz@contoso.example")
	other.POP3, other.SMTP = "off", "off"
	if _, probs := s.Add(context.Background(), other, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	res, p := s.Authorize(context.Background(), "buero-support", AuthorizeOptions{})
	if p != nil {
		t.Fatal(p)
	}
	if !slices.Equal(res.Shared, []string{"buero-info"}) {
		t.Errorf("shared with %v, want [buero-info]", res.Shared)
	}
}
