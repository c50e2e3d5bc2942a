package results

import (
	"fmt"
	"testing"

	"mailoauth/core/status"
)

// BenchmarkRecord300 is one account's run recorded into a store that holds
// 300 accounts: what the window and `watch` pay per finished run.
func BenchmarkRecord300(b *testing.B) {
	s := Open(b.TempDir())
	var all []status.Result
	for i := 0; i < 300; i++ {
		all = append(all, run(fmt.Sprintf("konto-%d", i), map[string]status.Level{"imap": status.Green, "pop3": status.Yellow, "smtp": status.Red},
			map[string]*status.Problem{"pop3": status.New(status.Yellow, "common.ok"), "smtp": status.New(status.Red, "common.ok").WithDetail("535 5.7.139 Authentication unsuccessful, the request did not meet the criteria")})...)
	}
	if _, p := s.Record(all); p != nil {
		b.Fatal(p)
	}
	one := green("konto-7")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, p := s.Record(one); p != nil {
			b.Fatal(p)
		}
	}
}

// BenchmarkLoad300 is the window's start: every kept light at once.
func BenchmarkLoad300(b *testing.B) {
	s := Open(b.TempDir())
	var all []status.Result
	for i := 0; i < 300; i++ {
		all = append(all, green(fmt.Sprintf("konto-%d", i))...)
	}
	s.Record(all)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if m, p := s.Load(); p != nil || len(m) != 300 {
			b.Fatal(p)
		}
	}
}
