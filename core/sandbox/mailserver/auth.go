package mailserver

import (
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

var postfixInvalidBase64 = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Error: authentication failed: Invalid base64 data in initial response"}

// outcome is what Exchange would do with an XOAUTH2 attempt.
type outcome int

const (
	authOK            outcome = iota
	authFail                  // rejected sign-in
	authTemp                  // temporarily unavailable
	authTempAuth              // SMTP: authentication backend unavailable (454 4.7.0)
	authNoMailbox             // token fine, but no access to the named mailbox
	authCondAccess            // SMTP: blocked by policy
	authSMTPTenant            // SMTP AUTH disabled for the tenant
	authSMTPMailbox           // SMTP AUTH disabled for the mailbox
	authBasicDisabled         // SMTP: basic auth disabled
)

// judge decides an attempt for protocol proto under fault f.
func (s *Server) judge(proto string, f Fault, user, token string) (outcome, Principal) {
	switch f {
	case FaultAuthFailed, FaultAuthenticationFailedCode:
		return authFail, Principal{}
	case FaultUnavailable:
		return authTemp, Principal{}
	case FaultTempAuth:
		return authTempAuth, Principal{}
	case FaultConditionalAccess:
		return authCondAccess, Principal{}
	case FaultSMTPAuthDisabledTenant:
		return authSMTPTenant, Principal{}
	case FaultSMTPAuthDisabledMailbox:
		return authSMTPMailbox, Principal{}
	case FaultBasicAuthDisabled:
		return authBasicDisabled, Principal{}
	}
	p, err := s.opts.Validate(token)
	if err != nil {
		return authFail, Principal{}
	}
	switch s.access(p, user, proto) {
	case noScope, notSMTPIdentity:
		return authFail, p
	case noMailboxAccess:
		return authNoMailbox, p
	}
	return authOK, p
}

// xoauth2Server is the server side of XOAUTH2 for all three protocols.
// finish maps the outcome to the protocol's own reply (nil error = success).
type xoauth2Server struct {
	s          *Server
	proto      string
	fault      Fault
	scope      string
	finish     func(o outcome, user string, p Principal) error
	fail       error // what to answer after an error challenge
	gotBlob    bool
	challenged bool
}

var _ sasl.Server = (*xoauth2Server)(nil)

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.challenged {
		// The client answered our error challenge (with an empty line).
		return nil, true, x.fail
	}
	if x.fault == FaultPostfixLineLimit && !x.gotBlob && resp != nil && len("AUTH XOAUTH2 ")+len(b64(resp)) > 2048 {
		// Postfix cut the line; what it decoded is garbage.
		return nil, true, postfixInvalidBase64
	}
	if resp == nil && !x.gotBlob {
		// No initial response: ask for it ("+ " / "334 ").
		x.gotBlob = true
		return []byte{}, false, nil
	}
	user, token, err := parseXOAUTH2(resp)
	if err != nil {
		return nil, true, x.finish(authFail, "", Principal{})
	}
	if x.fault == FaultErrorChallenge {
		x.challenged = true
		x.fail = x.finish(authFail, user, Principal{})
		return errorChallenge(x.scope), false, nil
	}
	o, p := x.s.judge(x.proto, x.fault, user, token)
	return nil, true, x.finish(o, user, p)
}
