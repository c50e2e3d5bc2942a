package mailcheck

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailoauth/core/account"
	"mailoauth/core/sandbox/mailserver"
	"mailoauth/core/status"
)

// latencyProxy forwards TCP connections to target and delivers every chunk
// oneWay after it was read, in each direction: a stand-in for a network
// with a round-trip time of 2*oneWay. A check's wall time divided by that
// round-trip time is the number of round trips it waits for after connect
// (the loopback connect itself is not delayed). It stops with the test.
func latencyProxy(tb testing.TB, target string, oneWay time.Duration) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go delayed(c, s, oneWay)
			go delayed(s, c, oneWay)
		}
	}()
	return ln.Addr().String()
}

// delayed copies from src to dst, each chunk oneWay after it arrived; the
// order is kept and chunks in flight do not wait for each other.
func delayed(src, dst net.Conn, oneWay time.Duration) {
	type chunk struct {
		b   []byte
		due time.Time
	}
	q := make(chan chunk, 1024)
	go func() {
		defer dst.Close()
		for c := range q {
			time.Sleep(time.Until(c.due))
			if _, err := dst.Write(c.b); err != nil {
				return
			}
		}
	}()
	defer close(q)
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			q <- chunk{append([]byte(nil), buf[:n]...), time.Now().Add(oneWay)}
		}
		if err != nil {
			return
		}
	}
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// BenchmarkRoundTrips reports how many round trips each check waits for
// after connect (its wall time over the injected round-trip time, TLS 1.3),
// and one account's three checks (side by side, as `check` runs them)
// against curl doing the nearest it can in sequence (curl cannot stop SMTP after MAIL FROM, so it sends a mail:
// RCPT and DATA are two round trips more than our check).
//
// Run: go test -run '^$' -bench RoundTrips -benchtime 5x ./core/mailcheck
func BenchmarkRoundTrips(b *testing.B) {
	const oneWay = 25 * time.Millisecond
	rtt := 2 * oneWay
	e := start(b, mailserver.Options{})
	e.opt.Timeout = 60 * time.Second
	user := "bench0@contoso.example"
	tok := e.token(user, allPerms...)
	proxied := map[account.Protocol]Target{}
	for _, p := range account.Protocols {
		t := e.target(p, user)
		addr := latencyProxy(b, net.JoinHostPort(t.Server.Host, strconv.Itoa(t.Server.Port)), oneWay)
		_, port, _ := net.SplitHostPort(addr)
		t.Server.Port, _ = strconv.Atoi(port)
		proxied[p] = t
	}
	curl, curlErr := exec.LookPath("curl")
	caFile := filepath.Join(b.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, e.sb.CA.PEM(), 0o600); err != nil {
		b.Fatal(err)
	}
	curlArgs := map[account.Protocol][]string{
		account.IMAP: {"--url", "imaps://" + hostPortOf(proxied[account.IMAP]) + "/INBOX", "--request", "EXAMINE INBOX"},
		account.POP3: {"--url", "pop3s://" + hostPortOf(proxied[account.POP3]) + "/", "--request", "STAT", "--head"},
		account.SMTP: {"--url", "smtp://" + hostPortOf(proxied[account.SMTP]), "--ssl-reqd", "--mail-from", user, "--mail-rcpt", user,
			"--upload-file", "-"},
	}
	took := map[account.Protocol][]time.Duration{}
	var ours, theirs []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range account.Protocols {
			start := time.Now()
			r := Check(context.Background(), proxied[p], tok, e.opt)
			d := time.Since(start)
			if r.Level != status.Green {
				b.Fatalf("%s: %s %v", p, r.Level, r.Problem)
			}
			took[p] = append(took[p], d)
		}
		// One account's three checks as `check` runs them: side by side.
		a := &account.Account{Name: "a", Login: user}
		for _, p := range account.Protocols {
			a.SetServer(p, proxied[p].Server)
		}
		start := time.Now()
		for _, r := range Run(context.Background(), []Job{{Account: a, Token: func(context.Context) (string, *status.Problem) { return tok, nil }}},
			RunOptions{Check: e.opt}, nil) {
			if r.Level != status.Green {
				b.Fatalf("run %s: %s %v", r.Protocol, r.Level, r.Problem)
			}
		}
		ours = append(ours, time.Since(start))
		if curlErr != nil {
			continue
		}
		start = time.Now()
		for _, p := range account.Protocols {
			cmd := exec.Command(curl, append([]string{"--silent", "--show-error", "--cacert", caFile, "--user", user,
				"--oauth2-bearer", tok, "--max-time", "30"}, curlArgs[p]...)...)
			cmd.Stdin = strings.NewReader("Subject: bench\r\n\r\nbench\r\n")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("curl %s: %v\n%s", p, err, out)
			}
		}
		theirs = append(theirs, time.Since(start))
	}
	b.StopTimer()
	for _, p := range account.Protocols {
		b.ReportMetric(float64(median(took[p]))/float64(rtt), string(p)+"-roundtrips")
	}
	if len(theirs) > 0 {
		b.ReportMetric(float64(median(theirs))/float64(median(ours)), "curl/ours")
		b.ReportMetric(float64(median(theirs))/float64(rtt), "curl-roundtrips")
	}
	b.ReportMetric(float64(median(ours))/float64(rtt), "ours-roundtrips")
}

func hostPortOf(t Target) string { return net.JoinHostPort(t.Server.Host, strconv.Itoa(t.Server.Port)) }

// TestChecksSkipWhatProvesNothing: the SMTP check sends no RSET (QUIT ends
// the transaction) and every check ends with its farewell step.
func TestChecksSkipWhatProvesNothing(t *testing.T) {
	e := start(t, mailserver.Options{})
	user := "bench0@contoso.example"
	tok := e.token(user, allPerms...)
	for _, p := range account.Protocols {
		var tr strings.Builder
		opt := e.opt
		opt.Transcript = &tr
		r := Check(context.Background(), e.target(p, user), tok, opt)
		if r.Level != status.Green {
			t.Fatalf("%s: %s %v", p, r.Level, r.Problem)
		}
		if strings.Contains(strings.ToUpper(tr.String()), "RSET") {
			t.Errorf("%s sent RSET:\n%s", p, tr.String())
		}
		if last := r.Steps[len(r.Steps)-1]; last.Name != "quit" {
			t.Errorf("%s ends with %q", p, last.Name)
		}
	}
}
