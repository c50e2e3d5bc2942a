package app

import (
	"mailoauth/core/account"
	"mailoauth/core/card"
	"mailoauth/core/status"
)

// ValidateApp checks what the wizard's tenant-and-app step holds: the
// account's name, the tenant, the client ID and — for app-only access —
// that a client secret is given (hasSecret). Each problem names its field.
func ValidateApp(in Input, hasSecret bool) []*status.Problem {
	var probs []*status.Problem
	if _, p := account.ParseName(in.Name); p != nil {
		probs = append(probs, p)
	}
	if _, _, p := account.ParseTenant(in.Tenant); p != nil {
		probs = append(probs, p)
	}
	if _, p := account.ParseClientID(in.ClientID); p != nil {
		probs = append(probs, p)
	}
	if p := needsSecret(&Account{Flow: account.Flow(in.Flow), HasClientSecret: hasSecret}); p != nil {
		probs = append(probs, status.New(p.Level, p.Code, "field", "client_secret"))
	}
	return probs
}

// Validate checks a whole input without saving it or asking the network.
func Validate(in Input) []*status.Problem {
	_, probs := in.Build()
	return probs
}

// ServerText is a server as the user types it back into a field: host and
// port, an IPv6 address in brackets.
func ServerText(s Server) string { return s.HostPort() }

// DefaultServerText is the Microsoft 365 default server of a protocol.
func DefaultServerText(p Protocol) string { return ServerText(account.DefaultServer(p)) }

// FollowCloud returns the server fields for the tenant's cloud (GCC High,
// 21Vianet): a field that still holds some cloud's default gets the
// tenant's cloud's default; a server the user typed stays. An unreadable
// tenant leaves every field as it is.
func FollowCloud(tenant string, fields map[Protocol]string) map[Protocol]string {
	out := make(map[Protocol]string, len(fields))
	for k, v := range fields {
		out[k] = v
	}
	auth, _, p := account.ParseTenant(tenant)
	if p != nil {
		return out
	}
	cloud := account.CloudOf(auth)
	for pr, v := range fields {
		for _, other := range account.Clouds {
			if v == ServerText(other.Server(pr)) {
				out[pr] = ServerText(cloud.Server(pr))
				break
			}
		}
	}
	return out
}

// ExchangePowerShell is the Exchange Online PowerShell an administrator
// runs once for an app-only account (service principal, mailbox rights).
func (s *Service) ExchangePowerShell(name string) (string, *status.Problem) {
	a, p := s.store.Get(name)
	if p != nil {
		return "", p
	}
	return card.ExchangePowerShell(a, s.lang), nil
}

// TenantField is what the tenant field holds once a registration named the
// tenant's GUID: the login URL of the authority the user gave (a national
// cloud, a test stand-in), or of Microsoft's global one.
func TenantField(given, tenantID string) string {
	authority := "https://" + account.GlobalCloud().LoginHost
	if a, _, p := account.ParseTenant(given); p == nil && given != "" {
		authority = a
	}
	return authority + "/" + tenantID + "/"
}
