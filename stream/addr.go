//go:build unix

package stream

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"golang.org/x/sys/unix"
)

// errName is sockaddr's error for an address whose host is a name.
var errName = errors.New("want a numeric ip:port (names are not looked up here)")

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
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		host, port, serr := net.SplitHostPort(address)
		if serr != nil {
			return 0, nil, fmt.Errorf("stream: %w", &net.AddrError{Err: serr.Error(), Addr: address})
		}
		if host != "" {
			return 0, nil, fmt.Errorf("stream: %w", &net.AddrError{Err: errName.Error(), Addr: address})
		}
		// ":port": every address of the family.
		p, perr := netip.ParseAddrPort("0.0.0.0:" + port)
		if network == "tcp6" {
			p, perr = netip.ParseAddrPort("[::]:" + port)
		}
		if perr != nil {
			return 0, nil, fmt.Errorf("stream: %w", &net.AddrError{Err: perr.Error(), Addr: address})
		}
		ap = p
	}
	return ipSockaddr(network, ap, address)
}

// ipSockaddr is the socket address of ap, if it belongs to network.
func ipSockaddr(network string, ap netip.AddrPort, address string) (int, unix.Sockaddr, error) {
	ip := ap.Addr().Unmap()
	switch {
	case ip.Is4() && network != "tcp6":
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ip.As4()}, nil
	case ip.Is6() && network != "tcp4":
		return unix.AF_INET6, &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ip.As16()}, nil
	}
	return 0, nil, fmt.Errorf("stream: %w", &net.AddrError{Err: "not a " + network + " address", Addr: address})
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
