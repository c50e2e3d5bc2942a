package app

import (
	"strings"
	"unicode"

	"mailoauth/core/status"
)

// NaturalLess orders account names as people count: "konto-2" before
// "konto-10", case-insensitively, ties broken by the plain byte order so
// the order is total. A helpdesk names mailboxes with numbers; a byte
// order puts konto-10 between konto-1 and konto-2.
func NaturalLess(a, b string) bool {
	if c := naturalCompare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c < 0
	}
	return a < b
}

func naturalCompare(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	i, j := 0, 0
	for i < len(ra) && j < len(rb) {
		if unicode.IsDigit(ra[i]) && unicode.IsDigit(rb[j]) {
			si, sj := i, j
			for i < len(ra) && unicode.IsDigit(ra[i]) {
				i++
			}
			for j < len(rb) && unicode.IsDigit(rb[j]) {
				j++
			}
			// Compare the numbers without parsing them (no overflow on a
			// name with 30 digits): leading zeros off, then length, then digits.
			na := strings.TrimLeft(string(ra[si:i]), "0")
			nb := strings.TrimLeft(string(rb[sj:j]), "0")
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if ra[i] != rb[j] {
			if ra[i] < rb[j] {
				return -1
			}
			return 1
		}
		i++
		j++
	}
	return (len(ra) - i) - (len(rb) - j)
}

// Matches says whether the account is found by a search: every word of
// query must occur, case-insensitively, in its name, login, mailbox, tenant
// or note. An empty query finds everything.
func Matches(a *Account, query string) bool {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return true
	}
	hay := strings.ToLower(strings.Join([]string{a.Name, a.Login, a.Mailbox, a.Tenant, a.Note}, "\n"))
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// WorseFirst orders lights for a "worst first" list: red, yellow, green,
// then grey (never checked) last.
func WorseFirst(a, b status.Level) bool { return a.Rank() > b.Rank() }

// SetNote replaces the account's free-text note (searched in the list).
func (s *Service) SetNote(name, note string) *status.Problem {
	if p := s.store.SetNote(name, note); p != nil {
		return p
	}
	s.log.Printf("note of %s changed", name)
	return nil
}
