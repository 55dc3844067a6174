//go:build unix

// Package sock holds what the socket packages (stream, datagram) share:
// opening a non-blocking socket, and converting addresses.
package sock

import (
	"net"
	"net/netip"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// Open opens a non-blocking, close-on-exec socket of the domain and type.
func Open(domain, typ int) (int, error) {
	fd, err := unix.Socket(domain, typ, 0)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("fcntl", err)
	}
	return fd, nil
}

// AddrPort returns an IP socket address as a netip.AddrPort, and false
// for any other kind.
func AddrPort(sa unix.Sockaddr) (netip.AddrPort, bool) {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port)), true
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port)), true
	}
	return netip.AddrPort{}, false
}

// Sockaddr returns ap as a socket address of domain: an IPv4 address is
// mapped into IPv6 for an AF_INET6 socket; an IPv6 one cannot go to an
// AF_INET socket (nil).
func Sockaddr(domain int, ap netip.AddrPort) unix.Sockaddr {
	switch {
	case !Fits(domain, ap):
		return nil
	case domain == unix.AF_INET:
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().Unmap().As4()}
	}
	return &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
}

// Fits reports whether ap can be sent to from a socket of domain: an IPv4
// address from either family, an IPv6 one from AF_INET6 only.
func Fits(domain int, ap netip.AddrPort) bool {
	ip := ap.Addr()
	return domain == unix.AF_INET && ip.Unmap().Is4() || domain == unix.AF_INET6 && ip.IsValid()
}

// ErrName is ParseIP's error for an address whose host is a name.
const ErrName = "want a numeric ip:port (names are not looked up here)"

// ParseIP parses a numeric "ip:port" (or ":port", every address of the
// family) for an IP network whose name ends in "4" or "6" when it wants
// one family ("tcp4", "udp6"), and returns the socket's domain and
// address. Its errors are *net.AddrError.
func ParseIP(network, address string) (int, unix.Sockaddr, error) {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		host, port, serr := net.SplitHostPort(address)
		if serr != nil {
			return 0, nil, &net.AddrError{Err: serr.Error(), Addr: address}
		}
		if host != "" {
			return 0, nil, &net.AddrError{Err: ErrName, Addr: address}
		}
		any := "0.0.0.0:"
		if strings.HasSuffix(network, "6") {
			any = "[::]:"
		}
		if ap, err = netip.ParseAddrPort(any + port); err != nil {
			return 0, nil, &net.AddrError{Err: err.Error(), Addr: address}
		}
	}
	return IPSockaddr(network, ap, address)
}

// IPSockaddr is the socket address of ap, if it belongs to network.
func IPSockaddr(network string, ap netip.AddrPort, address string) (int, unix.Sockaddr, error) {
	ip := ap.Addr().Unmap()
	switch {
	case ip.Is4() && !strings.HasSuffix(network, "6"):
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ip.As4()}, nil
	case ip.Is6() && !strings.HasSuffix(network, "4"):
		return unix.AF_INET6, &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ip.As16()}, nil
	}
	return 0, nil, &net.AddrError{Err: "not a " + network + " address", Addr: address}
}
