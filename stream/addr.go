//go:build unix

package stream

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/evloop/evloop/internal/sock"
	"golang.org/x/sys/unix"
)

// sockaddr resolves a numeric address for network ("tcp", "tcp4",
// "tcp6", "unix") without touching the network: host names are not
// looked up, since a lookup would block the loop (Dial looks them up in
// an executor).
func sockaddr(network, address string) (domain int, sa unix.Sockaddr, err error) {
	switch network {
	case "unix":
		return unix.AF_UNIX, &unix.SockaddrUnix{Name: address}, nil
	case "tcp", "tcp4", "tcp6":
	default:
		return 0, nil, fmt.Errorf("stream: network %q: %w", network, net.UnknownNetworkError(network))
	}
	domain, sa, err = sock.ParseIP(network, address)
	if err != nil {
		return 0, nil, fmt.Errorf("stream: %w", err)
	}
	return domain, sa, nil
}

// netAddr turns a socket address back into a net.Addr.
func netAddr(sa unix.Sockaddr) net.Addr {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return net.TCPAddrFromAddrPort(netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port)))
	case *unix.SockaddrInet6:
		return net.TCPAddrFromAddrPort(netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port)))
	case *unix.SockaddrUnix:
		return &net.UnixAddr{Name: a.Name, Net: "unix"}
	}
	return nil
}

// sockAddrs are a socket's two addresses: the peer's, known when it
// connects or is accepted, and the local one, asked for when wanted.
type sockAddrs struct {
	local, remote unix.Sockaddr
}

func (a *sockAddrs) localAddr(fd int) net.Addr {
	if a.local == nil {
		sa, err := unix.Getsockname(fd)
		if err != nil {
			return nil
		}
		a.local = sa
	}
	return netAddr(a.local)
}

func (a *sockAddrs) remoteAddr(fd int) net.Addr {
	if a.remote == nil {
		sa, err := unix.Getpeername(fd)
		if err != nil {
			return nil
		}
		a.remote = sa
	}
	return netAddr(a.remote)
}
