package mailcheck

import (
	"context"
	"strconv"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/sandbox/mailserver"
	"mailoauth/core/status"
)

// BenchmarkCheckRun measures wall time of checks against the sandbox with a
// delay before every server reply (a stand-in for network latency), and
// reports how well checks overlap, as ratios:
//
//	3proto/slowest     one account, 3 protocols at once vs. the slowest protocol alone
//	50acct/1acct@64    50 accounts vs. one account, default bound of 64 connections
//	50acct/1acct@150   the same with --parallel 150
//
// Run: go test -run '^$' -bench CheckRun -benchtime 3x ./core/mailcheck
func BenchmarkCheckRun(b *testing.B) {
	e := start(b, mailserver.Options{ReplyDelay: 20 * time.Millisecond})
	e.opt.Timeout = 60 * time.Second
	jobs := func(n int) []Job {
		var out []Job
		for i := 0; i < n; i++ {
			user := "bench" + strconv.Itoa(i) + "@contoso.example"
			a := &account.Account{Name: user, Login: user}
			for _, p := range account.Protocols {
				a.SetServer(p, e.target(p, user).Server)
			}
			tok := e.token(user, allPerms...)
			out = append(out, Job{Account: a, Token: func(context.Context) (string, *status.Problem) { return tok, nil }})
		}
		return out
	}
	one, fifty := jobs(1), jobs(50)
	timeRun := func(j []Job, parallel int) time.Duration {
		start := time.Now()
		for _, r := range Run(context.Background(), j, RunOptions{Parallel: parallel, Check: e.opt}, nil) {
			if r.Level != status.Green {
				b.Fatalf("%s/%s: %s %v", r.Account, r.Protocol, r.Level, r.Problem)
			}
		}
		return time.Since(start)
	}
	var slowest, three, fifty64, fifty150 time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var worst time.Duration
		for _, p := range account.Protocols {
			start := time.Now()
			r := Check(context.Background(), e.target(p, "bench0@contoso.example"), e.token("bench0@contoso.example", allPerms...), e.opt)
			if r.Level != status.Green {
				b.Fatalf("%s: %v", p, r.Problem)
			}
			if d := time.Since(start); d > worst {
				worst = d
			}
		}
		slowest += worst
		three += timeRun(one, 64)
		fifty64 += timeRun(fifty, 64)
		fifty150 += timeRun(fifty, 150)
	}
	n := time.Duration(b.N)
	slowest, three, fifty64, fifty150 = slowest/n, three/n, fifty64/n, fifty150/n
	b.ReportMetric(float64(slowest.Milliseconds()), "ms-slowest-alone")
	b.ReportMetric(float64(three.Milliseconds()), "ms-1acct-3proto")
	b.ReportMetric(float64(fifty64.Milliseconds()), "ms-50acct@64")
	b.ReportMetric(float64(fifty150.Milliseconds()), "ms-50acct@150")
	b.ReportMetric(float64(three)/float64(slowest), "3proto/slowest")
	b.ReportMetric(float64(fifty64)/float64(three), "50acct/1acct@64")
	b.ReportMetric(float64(fifty150)/float64(three), "50acct/1acct@150")
}
