package sandbox

import (
	"encoding/json"
	"net"
	"net/http"
	"time"

	"mailoauth/core/sandbox/graph"
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
		// Rights: "" for Full Access and Send As, or "full_access" or
		// "send_as" alone.
		Rights string `json:"rights,omitempty"`
	} `json:"grant,omitempty"`
	// RequireConsentFor is RequireConsent for any client ID, e.g. the
	// administrators' Graph client (a tenant that does not let admins
	// consent to Graph Command Line Tools).
	RequireConsentFor string `json:"require_consent_for,omitempty"`
	// AppFault seeds a defect into a registration of the Graph stand-in.
	AppFault *struct {
		ClientID string      `json:"client_id"`
		Fault    graph.Fault `json:"fault"`
	} `json:"app_fault,omitempty"`
	// Roles sets a user's directory roles ([] makes them an ordinary user).
	Roles *struct {
		User  string   `json:"user"`
		Roles []string `json:"roles"`
	} `json:"roles,omitempty"`
	// ReplicationDelay (a Go duration, "0s" to end it) hides new directory
	// objects from reads and sign-ins for that long.
	ReplicationDelay string `json:"replication_delay,omitempty"`
	// ExchangeScript stands for an Exchange administrator having run the
	// app-only PowerShell: the service principal's object ID must be the
	// real one, then the app may open the mailbox.
	// Throttle answers the next Times Graph calls with 429 and Retry-After.
	Throttle *struct {
		Times      int `json:"times"`
		RetryAfter int `json:"retry_after"`
	} `json:"throttle,omitempty"`
	// ForeignApp adds another organisation's multi-tenant app with this
	// display name and no service principal here (see
	// graph.Server.AddForeignApp); the answer is {"client_id": "…"}.
	ForeignApp     string `json:"foreign_app,omitempty"`
	ExchangeScript *struct {
		ClientID string `json:"client_id"`
		ObjectID string `json:"object_id"`
		Mailbox  string `json:"mailbox"`
	} `json:"exchange_script,omitempty"`
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
		if g := req.Grant; g != nil {
			switch g.Rights {
			case "":
				s.Mail.Grant(g.Delegate, g.Mailbox)
			case "full_access":
				s.Mail.GrantFullAccess(g.Delegate, g.Mailbox)
			case "send_as":
				s.Mail.GrantSendAs(g.Delegate, g.Mailbox)
			default:
				http.Error(w, "rights: full_access, send_as or empty", http.StatusBadRequest)
				return
			}
		}
		if req.RequireConsentFor != "" {
			s.Identity.RequireAdminConsent(req.RequireConsentFor)
		}
		if req.Roles != nil {
			s.Graph.SetRoles(req.Roles.User, req.Roles.Roles)
		}
		if req.ReplicationDelay != "" {
			d, err := time.ParseDuration(req.ReplicationDelay)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			s.Graph.SetReplicationDelay(d)
		}
		if req.Throttle != nil {
			s.Graph.Throttle(req.Throttle.Times, req.Throttle.RetryAfter)
		}
		if req.AppFault != nil {
			if err := s.Graph.SeedFault(req.AppFault.ClientID, req.AppFault.Fault); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		if req.ExchangeScript != nil {
			if err := s.RunExchangeScript(req.ExchangeScript.ClientID, req.ExchangeScript.ObjectID, req.ExchangeScript.Mailbox); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		if req.ForeignApp != "" {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]string{"client_id": s.Graph.AddForeignApp(req.ForeignApp)})
			return
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

// RunExchangeScript stands for an Exchange administrator running the
// app-only PowerShell (New-ServicePrincipal with the service principal's
// object ID, Add-MailboxPermission, Add-RecipientPermission) for mailbox.
func (s *Sandbox) RunExchangeScript(clientID, objectID, mailbox string) error {
	if err := s.Graph.ExchangeScript(clientID, objectID); err != nil {
		return err
	}
	s.Mail.Grant(clientID, mailbox)
	return nil
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
