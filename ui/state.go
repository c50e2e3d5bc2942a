package ui

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// acctState is what the window knows of one account: its settings, what
// the results store kept of its last check, and this session's results as
// they arrive (with their steps, which the store does not keep).
type acctState struct {
	acct app.Account
	kept app.LastResult
	live map[string]status.Result
}

// result is the newest result of protocol p: this session's, else the kept
// one. ok is false when the protocol was never checked.
func (s *acctState) result(p app.Protocol) (status.Result, bool) {
	if r, ok := s.live[string(p)]; ok {
		return r, true
	}
	k, ok := s.kept.Protocols[string(p)]
	if !ok {
		return status.Result{}, false
	}
	r := status.Result{Account: s.acct.Name, Protocol: string(p), Level: k.Level, Duration: time.Duration(k.DurationMS) * time.Millisecond, At: s.kept.CheckedAt}
	if k.Problem != nil {
		r.Problem = k.Problem.Status()
	}
	return r, true
}

// level is the overall light: the worst of the enabled protocols' newest
// results, grey when none was checked.
func (s *acctState) level() status.Level {
	var levels []status.Level
	for _, p := range s.acct.EnabledProtocols() {
		if r, ok := s.result(p); ok {
			levels = append(levels, r.Level)
		}
	}
	return status.Worst(levels...)
}

// worst is the problem of the worst protocol (the first in display order
// among equally bad ones) and that protocol; nil when all is well.
func (s *acctState) worst() (*status.Problem, app.Protocol) {
	l := s.level()
	for _, p := range s.acct.EnabledProtocols() {
		if r, ok := s.result(p); ok && r.Level == l && r.Problem != nil {
			return r.Problem, p
		}
	}
	return nil, ""
}

// checkedAt is the time of the newest result.
func (s *acctState) checkedAt() time.Time {
	t := s.kept.CheckedAt
	for _, r := range s.live {
		if r.At.After(t) {
			t = r.At
		}
	}
	return t
}

// redSince is since when the account is red (zero when it is not): the
// store's time when it already was red, else the first red result of this
// session.
func (s *acctState) redSince() time.Time {
	if s.level() != status.Red {
		return time.Time{}
	}
	if !s.kept.RedSince.IsZero() {
		return s.kept.RedSince
	}
	var t time.Time
	for _, r := range s.live {
		if r.Level == status.Red && (t.IsZero() || r.At.Before(t)) {
			t = r.At
		}
	}
	return t
}

// Sort orders of the list.
const (
	sortByName = iota
	sortWorstFirst
)

// view is the list's rows after the search, the light filter and the sort.
// light "" lets every light through.
func view(all []*acctState, query string, light status.Level, order int) []*acctState {
	out := make([]*acctState, 0, len(all))
	for _, s := range all {
		if light != "" && s.level() != light {
			continue
		}
		if !app.Matches(&s.acct, query) {
			continue
		}
		out = append(out, s)
	}
	if order == sortWorstFirst {
		// The level of each row once, not in every comparison.
		lv := make(map[*acctState]status.Level, len(out))
		for _, s := range out {
			lv[s] = s.level()
		}
		sort.SliceStable(out, func(i, j int) bool {
			a, b := lv[out[i]], lv[out[j]]
			if a != b {
				return app.WorseFirst(a, b)
			}
			return app.NaturalLess(out[i].acct.Name, out[j].acct.Name)
		})
		return out
	}
	sort.SliceStable(out, func(i, j int) bool { return app.NaturalLess(out[i].acct.Name, out[j].acct.Name) })
	return out
}

// countsText sums the list up for the status bar: how many accounts, and
// how many of them are red, yellow, green and grey (zeros left out), so a
// helpdesk sees at a glance whether today is a red day without filtering;
// while a search or filter hides some (shown of all), how many are shown.
func countsText(all []*acctState, shown int, lang i18n.Lang) string {
	n := map[status.Level]int{}
	for _, s := range all {
		n[s.level()]++
	}
	parts := []string{tr(lang, "list.accounts_many", "n", strconv.Itoa(len(all)))}
	switch {
	case shown < len(all):
		parts[0] = tr(lang, "list.shown_of", "shown", strconv.Itoa(shown), "n", strconv.Itoa(len(all)))
	case len(all) == 1:
		parts[0] = tr(lang, "list.accounts_one")
	}
	for _, l := range lightFilters[1:] {
		if n[l] > 0 {
			parts = append(parts, tr(lang, "list.count", "n", strconv.Itoa(n[l]), "level", levelWord(lang, l)))
		}
	}
	return strings.Join(parts, " · ")
}

// trayLight is the notification-area icon's light: the worst light of the
// unmuted accounts, by the core's rule, over the newest results.
func trayLight(all []*acctState) status.Level {
	last := make(map[string]app.LastResult, len(all))
	accts := make([]app.Account, len(all))
	for i, s := range all {
		accts[i] = s.acct
		last[s.acct.Name] = app.LastResult{Account: s.acct.Name, Level: s.level()}
	}
	return app.WorstLight(last, accts)
}
