package httpx

import (
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ClientIPs resolves the address of the person behind a request.
type ClientIPs struct {
	trusted []*net.IPNet
}

// NewClientIPs trusts X-Forwarded-For only from the given proxies (IPs or CIDR ranges, already
// validated by config).
func NewClientIPs(proxies []string) *ClientIPs {
	r := &ClientIPs{}
	for _, p := range proxies {
		if !strings.Contains(p, "/") {
			if strings.Contains(p, ":") {
				p += "/128"
			} else {
				p += "/32"
			}
		}
		if _, n, err := net.ParseCIDR(p); err == nil {
			r.trusted = append(r.trusted, n)
		}
	}
	return r
}

func (r *ClientIPs) isTrusted(ip net.IP) bool {
	for _, n := range r.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// Of returns the client's address: the peer, or — when the peer is a trusted proxy — the
// right-most X-Forwarded-For entry that is not a trusted proxy. Entries further left were
// written by the client and prove nothing; taking them would let anyone pick a fresh address
// per request and slip past the login limit.
func (r *ClientIPs) Of(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP()
	if len(r.trusted) == 0 || !r.isTrusted(peer) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break
		}
		if !r.isTrusted(ip) {
			return ip.String()
		}
	}
	return peer.String()
}

const clientIPKey = "client_ip"

// ClientIP returns the address resolved for this request by the app's middleware.
func ClientIP(c *fiber.Ctx) string {
	ip, _ := c.Locals(clientIPKey).(string)
	return ip
}
