package app

import (
	"context"
	"strings"
	"unicode"

	"mailoauth/core/status"
)

// SplitMailboxes reads a list of mailbox addresses as people paste it:
// separated by commas, semicolons, spaces or line breaks.
func SplitMailboxes(in string) []string {
	return strings.FieldsFunc(in, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
}

// MailboxAccountName names the account of one of several mailboxes added
// for one login: the given name, a dash and the mailbox's local part
// ("buero-info", "buero-buchhaltung"), with characters a name cannot hold
// made dashes.
func MailboxAccountName(name, mailbox string) string {
	local, _, _ := strings.Cut(mailbox, "@")
	out := []rune(strings.TrimSpace(name) + "-")
	for _, r := range strings.ToLower(local) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-' {
			out = append(out, r)
		} else {
			out = append(out, '-')
		}
	}
	return string(out)
}

// AddMailboxes adds one account per mailbox for the same login, tenant and
// app — a delegate serving several shared mailboxes. They share one
// sign-in (one refresh token, refreshed once for all; authorizing one
// authorizes all). With one mailbox it is Add. All or nothing: every
// account is validated before the first is stored, and should storing one
// fail, those already stored are removed again.
func (s *Service) AddMailboxes(ctx context.Context, in Input, mailboxes []string, clientSecret string) ([]*Saved, []*status.Problem) {
	if len(mailboxes) <= 1 {
		if len(mailboxes) == 1 {
			in.Mailbox = mailboxes[0]
		}
		sv, probs := s.Add(ctx, in, clientSecret)
		if len(probs) > 0 {
			return nil, probs
		}
		return []*Saved{sv}, nil
	}
	inputs := make([]Input, len(mailboxes))
	seen := map[string]bool{}
	for i, m := range mailboxes {
		x := in
		x.Name, x.Mailbox = MailboxAccountName(in.Name, m), m
		if probs := Validate(x); len(probs) > 0 {
			return nil, probs
		}
		if seen[x.Name] {
			return nil, []*status.Problem{status.New(status.Red, "app.mailboxes_same_name", "name", x.Name)}
		}
		seen[x.Name] = true
		if _, p := s.store.Get(x.Name); p == nil {
			return nil, []*status.Problem{status.New(status.Red, "app.mailboxes_taken", "name", x.Name)}
		}
		inputs[i] = x
	}
	var out []*Saved
	for _, x := range inputs {
		// The tenant is looked up once, for the first: the accounts share
		// login, tenant and app, and a lookup may wait on a slow network
		// (or, offline, time out) once per account otherwise.
		a, sv, probs := s.buildLike(ctx, x, out)
		if len(probs) == 0 {
			// Each account gets the registration held for them all; it
			// is forgotten only once all are stored.
			sv, probs = s.save(ctx, a, sv, clientSecret)
		}
		if len(probs) > 0 {
			for _, done := range out {
				if p := s.Remove(ctx, done.Account.Name); p != nil {
					s.log.Printf("could not take back %s: %s", done.Account.Name, p.Error())
				}
			}
			return nil, probs
		}
		out = append(out, sv)
	}
	s.forget(out[0].Account.Tenant, out[0].Account.ClientID)
	return out, nil
}

// buildLike builds the account of one of several mailboxes: the first with
// its tenant looked up, every later one with the tenant the first got and
// what the lookup said.
func (s *Service) buildLike(ctx context.Context, in Input, done []*Saved) (*Account, *Saved, []*status.Problem) {
	if len(done) == 0 {
		return s.build(ctx, in)
	}
	a, probs := in.Build()
	if len(probs) > 0 {
		return nil, nil, probs
	}
	first := done[0]
	a.Tenant = first.Account.Tenant
	return a, &Saved{Account: a, Note: first.Note, TenantGiven: first.TenantGiven, Cloud: first.Cloud}, nil
}
