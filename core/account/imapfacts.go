package account

import (
	"strconv"

	"mailoauth/core/status"
)

// RememberIMAP keeps what a green IMAP check learnt about the mailbox, the
// INBOX UIDVALIDITY and the sent folder, so the settings card can name the
// folder and the next check can notice a move. A changed UIDVALIDITY turns
// the result yellow: the mailbox was moved or rebuilt, and programs that
// store the last fetched UID must start over or they skip or repeat mail.
// The file is written only when something changed.
func (s *Store) RememberIMAP(r *status.Result) *status.Problem {
	if r.Protocol != string(IMAP) || r.Level != status.Green {
		return nil
	}
	v, err := strconv.ParseUint(r.Info["uidvalidity"], 10, 32)
	if err != nil || v == 0 {
		return nil
	}
	uv, sent := uint32(v), r.Info["sent_folder"]
	a, p := s.Get(r.Account)
	if p != nil {
		return p
	}
	if a.UIDValidity == uv && (sent == "" || a.SentFolder == sent) {
		return nil
	}
	var old uint32
	p = s.update(func(list []Account) ([]Account, *status.Problem) {
		for i := range list {
			if list[i].Name == r.Account {
				old = list[i].UIDValidity
				list[i].UIDValidity = uv
				if sent != "" {
					list[i].SentFolder = sent
				}
				return list, nil
			}
		}
		return nil, status.New(status.Red, "account.store.not_found", "name", r.Account)
	})
	if p != nil {
		return p
	}
	if old != 0 && old != uv {
		r.Level = status.Yellow
		r.Problem = status.New(status.Yellow, "account.uidvalidity_changed", "name", r.Account,
			"old", strconv.FormatUint(uint64(old), 10), "new", strconv.FormatUint(uint64(uv), 10))
	}
	return nil
}
