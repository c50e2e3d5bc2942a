package ui

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"mailoauth/core/account"
	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

func TestLightMarkup(t *testing.T) {
	test.NewTempApp(t)
	for _, lv := range []status.Level{status.Grey, status.Green, status.Yellow, status.Red} {
		l := newLight("IMAP")
		l.Set(lv, "IMAP "+levelWord(i18n.EN, lv))
		w := test.NewTempWindow(t, l.Object)
		test.AssertRendersToMarkup(t, "light_"+string(lv)+".xml", w.Canvas())
	}
}

// slowService reports results from many goroutines, as mailcheck.Run does.
type slowService struct{ fakeService }

func (s *slowService) Check(_ context.Context, _ []string, _ app.CheckOptions, report func(status.Result)) ([]status.Result, *status.Problem) {
	var wg sync.WaitGroup
	for _, a := range s.accounts {
		for _, p := range account.Protocols {
			wg.Add(1)
			go func(name string, p account.Protocol) {
				defer wg.Done()
				time.Sleep(time.Millisecond)
				report(status.Result{Account: name, Protocol: string(p), Level: status.Green, At: time.Now()})
			}(a.Name, p)
		}
	}
	wg.Wait()
	return nil, nil
}

func TestFiftyAccountsUpdateSafely(t *testing.T) {
	test.NewTempApp(t)
	s := &slowService{}
	for i := 0; i < 50; i++ {
		n := fmt.Sprintf("acct%02d", i)
		s.accounts = append(s.accounts, account.Account{Name: n, Login: n + "@contoso.com",
			IMAP: account.DefaultServer(account.IMAP), POP3: account.DefaultServer(account.POP3), SMTP: account.DefaultServer(account.SMTP)})
	}
	w := test.NewTempWindow(t, nil)
	u := NewAccounts(s, i18n.DE, w)
	w.SetContent(u.Object)
	u.check(nil)
	u.running.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		green := 0
		u.showMu.Lock()
		for _, r := range u.all {
			if r.level() == status.Green {
				green++
			}
		}
		u.showMu.Unlock()
		if green == 50 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of 50 accounts green", green)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
