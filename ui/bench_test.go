package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

func benchWindow(b *testing.B, n int) *Accounts {
	test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	w.Resize(fyne.NewSize(1280, 760))
	u := NewAccounts(manyAccounts(n), i18n.DE, w)
	w.SetContent(u.Object)
	return u
}

// BenchmarkFilter300: a keystroke in the search with 300 accounts (the
// view: search, light filter, worst-first sort).
func BenchmarkFilter300(b *testing.B) {
	u := benchWindow(b, 300)
	for b.Loop() {
		_ = view(u.all, "konto-2", status.Red, sortWorstFirst)
	}
}

// BenchmarkSearchKeystroke300: the same through the window: the view, the
// list's refresh of the visible rows and the detail.
func BenchmarkSearchKeystroke300(b *testing.B) {
	u := benchWindow(b, 300)
	q := []string{"konto-2", "konto-"}
	i := 0
	for b.Loop() {
		u.search.SetText(q[i%2])
		i++
	}
}

// BenchmarkResult300: one result arriving while 300 accounts are shown,
// through u.do (with the test driver fyne.Do runs at once, so this is the
// window's own work per result; the GL driver's queueing is measured in
// the real binary, see scripts/gui-smoke.sh and the log's latency line).
func BenchmarkResult300(b *testing.B) {
	for _, order := range []int{sortByName, sortWorstFirst} {
		name := map[int]string{sortByName: "by-name", sortWorstFirst: "worst-first"}[order]
		b.Run(name, func(b *testing.B) {
			u := benchWindow(b, 300)
			u.order.SetSelectedIndex(order)
			levels := []status.Level{status.Green, status.Red}
			i := 0
			for b.Loop() {
				r := status.Result{Account: u.all[i%300].acct.Name, Protocol: "imap", Level: levels[i%2], At: time.Now()}
				u.do(func() { u.show(r) })
				i++
			}
		})
	}
}
