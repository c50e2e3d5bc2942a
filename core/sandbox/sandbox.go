package sandbox

import (
	"errors"
	"net/http"

	"mailoauth/core/sandbox/certs"
	"mailoauth/core/sandbox/graph"
	"mailoauth/core/sandbox/identity"
	"mailoauth/core/sandbox/mailserver"
)

// Options configure a whole sandbox.
type Options struct {
	// AutoConsent skips the consent page (scripted tests).
	AutoConsent bool
	// RefreshTokenBytes makes refresh tokens this long (0: Microsoft-like).
	RefreshTokenBytes int
	// Identity, Graph and Mail pass further settings through.
	Identity identity.Options
	Graph    graph.Options
	Mail     mailserver.Options
}

// Sandbox is a running identity platform plus mail servers sharing one CA.
type Sandbox struct {
	CA       *certs.CA
	Identity *identity.Server
	Graph    *graph.Server // Microsoft Graph, on the identity platform's host and port
	Mail     *mailserver.Server

	control    *http.Server
	controlURL string
}

// Start starts everything on loopback.
func Start(opts Options) (*Sandbox, error) {
	ca, err := certs.NewCA()
	if err != nil {
		return nil, err
	}
	idOpts := opts.Identity
	idOpts.CA = ca
	if opts.AutoConsent {
		idOpts.AutoConsent = true
	}
	if opts.RefreshTokenBytes > 0 {
		idOpts.RefreshTokenBytes = opts.RefreshTokenBytes
	}
	id, err := identity.New(idOpts)
	if err != nil {
		return nil, err
	}
	srvTLS, err := ca.ServerTLS()
	if err != nil {
		id.Close()
		return nil, err
	}
	mOpts := opts.Mail
	mOpts.TLS = srvTLS
	if len(mOpts.Domains) == 0 {
		mOpts.Domains = id.Domains()
	}
	mOpts.Validate = func(token string) (mailserver.Principal, error) {
		p, err := id.Validate(token)
		if err != nil {
			return mailserver.Principal{}, err
		}
		return mailserver.Principal{User: p.User, Scopes: p.Scopes, Roles: p.Roles, AppOnly: p.AppOnly, AppID: p.AppID}, nil
	}
	mail, err := mailserver.Start(mOpts)
	if err != nil {
		id.Close()
		return nil, err
	}
	sb := &Sandbox{CA: ca, Identity: id, Graph: graph.New(id, opts.Graph), Mail: mail}
	if err := sb.startControl(); err != nil {
		sb.Close()
		return nil, err
	}
	return sb, nil
}

// Close stops every server.
func (s *Sandbox) Close() error {
	var errs []error
	if s.control != nil {
		errs = append(errs, s.control.Close())
	}
	errs = append(errs, s.Mail.Close())
	s.Identity.Close()
	return errors.Join(errs...)
}
