//go:build unix

package stream

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/evloop/evloop/internal/sock"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

// A target is one address Dial may connect to.
type target struct {
	domain int
	sa     unix.Sockaddr
}

// The resolver's calls, replaced in tests by slow or failing ones.
var (
	lookupNetIP = net.DefaultResolver.LookupNetIP
	lookupPort  = net.DefaultResolver.LookupPort
)

// resolve returns the addresses to try for address, in order. A numeric
// address is parsed at once; a host name (or a service name for the
// port) is looked up on the executor's goroutines, as asyncio's
// getaddrinfo is, so that the loop goes on meanwhile.
func resolve(co *task.Co, network, address string) ([]target, error) {
	host, port, err := net.SplitHostPort(address)
	_, perr := strconv.ParseUint(port, 10, 16)
	_, herr := netip.ParseAddr(host)
	numeric := err == nil && perr == nil && (host == "" || herr == nil)
	if network == "unix" || err != nil || numeric || !strings.HasPrefix(network, "tcp") {
		domain, sa, err := sockaddr(network, address)
		if err != nil {
			return nil, err
		}
		return []target{{domain, sa}}, nil
	}
	ipNet := "ip"
	switch network {
	case "tcp4":
		ipNet = "ip4"
	case "tcp6":
		ipNet = "ip6"
	}
	type found struct {
		ips  []netip.Addr
		port int
	}
	res, err := task.ToThread(co, func() (found, error) {
		p, err := lookupPort(context.Background(), "tcp", port)
		if err != nil {
			return found{}, err
		}
		ips, err := lookupNetIP(context.Background(), ipNet, host)
		return found{ips, p}, err
	})
	if err != nil {
		return nil, fmt.Errorf("stream: dial %s %s: %w", network, address, err)
	}
	var ts []target
	for _, ip := range res.ips {
		if d, sa, err := sock.IPSockaddr(network, netip.AddrPortFrom(ip, uint16(res.port)), address); err == nil {
			ts = append(ts, target{d, sa})
		}
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("stream: dial %s %s: %w", network, address, &net.AddrError{Err: "no suitable address found", Addr: address})
	}
	return ts, nil
}
