package sandbox

import (
	"encoding/json"
	"net"
	"net/http"
	"time"

	"mailoauth/core/sandbox/identity"
	"mailoauth/core/sandbox/mailserver"
)

// controlRequest is one switch flipped from outside the sandbox's process
// (`mailoauth sandbox` runs headless; tests and trials steer it over HTTPS).
type controlRequest struct {
	Fault     *identity.Fault `json:"fault,omitempty"`
	MailFault *struct {
		Protocol string `json:"protocol"`
		Fault    string `json:"fault"`
	} `json:"mail_fault,omitempty"`
	Clear        bool   `json:"clear,omitempty"`
	Revoke       string `json:"revoke,omitempty"`
	Withhold     string `json:"withhold,omitempty"`
	ExpireAccess bool   `json:"expire_access,omitempty"`
	MoveMailbox  string `json:"move_mailbox,omitempty"`
	// RequireConsent makes sign-ins to the public client fail with
	// AADSTS65001 until an administrator consents.
	RequireConsent bool `json:"require_consent,omitempty"`
	// StrictRotation makes refresh tokens single-use (true) or keeps
	// Entra's behaviour, an old token valid after use (false).
	StrictRotation *bool `json:"strict_rotation,omitempty"`
	Grant          *struct {
		Delegate string `json:"delegate"`
		Mailbox  string `json:"mailbox"`
	} `json:"grant,omitempty"`
}

func (s *Sandbox) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /control", func(w http.ResponseWriter, r *http.Request) {
		var req controlRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if req.Clear {
			s.Identity.ClearFaults()
			s.Mail.ClearFaults()
		}
		if req.Fault != nil {
			s.Identity.SetFault(*req.Fault)
		}
		if req.MailFault != nil {
			s.Mail.SetFault(req.MailFault.Protocol, mailserver.Fault(req.MailFault.Fault))
		}
		if req.Withhold != "" {
			s.Identity.Withhold(req.Withhold)
		}
		if req.Revoke != "" {
			s.Identity.RevokeUser(req.Revoke)
		}
		if req.ExpireAccess {
			s.Identity.ExpireAccessTokens()
		}
		if req.RequireConsent {
			s.Identity.RequireAdminConsent(identity.PublicClientID)
		}
		if req.StrictRotation != nil {
			s.Identity.SetStrictRotation(*req.StrictRotation)
		}
		if req.MoveMailbox != "" {
			s.Mail.MoveMailbox(req.MoveMailbox)
		}
		if req.Grant != nil {
			s.Mail.Grant(req.Grant.Delegate, req.Grant.Mailbox)
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /issued", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		list := s.Identity.Issued()
		if list == nil {
			list = []string{}
		}
		json.NewEncoder(w).Encode(list)
	})
	mux.HandleFunc("GET /messages", func(w http.ResponseWriter, r *http.Request) {
		type msg struct {
			From    string   `json:"from"`
			To      []string `json:"to"`
			Subject string   `json:"subject"`
			Body    string   `json:"body"`
		}
		out := []msg{}
		for _, m := range s.Mail.Messages(r.URL.Query().Get("mailbox")) {
			out = append(out, msg{m.From, m.To, m.Subject, m.Body})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	return mux
}

// startControl serves the control API over TLS on loopback.
func (s *Sandbox) startControl() error {
	cfg, err := s.CA.ServerTLS()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.control = &http.Server{Handler: s.controlHandler(), TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second}
	s.controlURL = "https://" + ln.Addr().String()
	go s.control.ServeTLS(ln, "", "")
	return nil
}

// ControlURL is the base URL of the control API: POST /control, GET /issued,
// GET /messages?mailbox=ADDR.
func (s *Sandbox) ControlURL() string { return s.controlURL }
