package mailserver

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"mailoauth/core/account"
)

// servePOP3 is a small POP3 server with Exchange's manners: CAPA lists
// SASL PLAIN XOAUTH2, and AUTH XOAUTH2 takes the blob on a second line.
func (s *Server) servePOP3() {
	s.accept(s.lnP, "pop3", true, func(c *wconn) {
		f := s.fault("pop3")
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		r := bufio.NewReader(c)
		say := func(line string) bool {
			_, err := c.Write([]byte(line + "\r\n"))
			return err == nil
		}
		if !say("+OK The Microsoft Exchange POP3 service is ready. [U0FOREJPWA==]") {
			return
		}
		var mailbox string
		authed := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			verb := strings.ToUpper(strings.Fields(line + " x")[0])
			switch {
			case verb == "CAPA":
				say("+OK\r\nTOP\r\nUIDL\r\nSASL PLAIN XOAUTH2\r\nUSER\r\n.")
			case verb == "AUTH" && !authed:
				args := strings.Fields(line)
				if len(args) < 2 || !strings.EqualFold(args[1], "XOAUTH2") {
					say("-ERR Unrecognized authentication type.")
					continue
				}
				if len(args) > 2 {
					// Exchange wants the two-step exchange for POP.
					say("-ERR Protocol error. Connection is closed. 10")
					return
				}
				say("+ ")
				blob, err := r.ReadString('\n')
				if err != nil {
					return
				}
				raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(blob))
				if err != nil {
					say("-ERR Protocol error. Connection is closed. 10")
					return
				}
				user, token, perr := parseXOAUTH2(raw)
				if f == FaultErrorChallenge && perr == nil {
					say("+ " + b64(errorChallenge(account.GlobalCloud().Scope("POP.AccessAsUser.All"))))
					r.ReadString('\n')
					say("-ERR Authentication failure: unknown user name or bad password.")
					continue
				}
				o := authFail
				if perr == nil {
					o, _ = s.judge("pop3", f, user, token)
				}
				switch o {
				case authOK:
					authed, mailbox = true, strings.ToLower(user)
					say("+OK User successfully authenticated.")
					if f == FaultStallAfterAuth {
						c.stall()
					}
				case authTemp, authTempAuth:
					say("-ERR [SYS/TEMP] Server is busy, try again later.")
				default:
					say("-ERR Authentication failure: unknown user name or bad password.")
				}
			case verb == "STAT" && authed:
				msgs := s.Messages(mailbox)
				size := 0
				for _, m := range msgs {
					size += len(m.Raw)
				}
				say(fmt.Sprintf("+OK %d %d", len(msgs), size))
			case verb == "LIST" && authed:
				msgs := s.Messages(mailbox)
				var b strings.Builder
				fmt.Fprintf(&b, "+OK %d messages", len(msgs))
				for i, m := range msgs {
					fmt.Fprintf(&b, "\r\n%d %d", i+1, len(m.Raw))
				}
				say(b.String() + "\r\n.")
			case verb == "NOOP":
				say("+OK")
			case verb == "QUIT":
				say("+OK Microsoft Exchange Server POP3 server signing off.")
				return
			case !authed:
				say("-ERR Command is not valid in this state.")
			default:
				say("-ERR Command is not valid in this state.")
			}
		}
	})
}
