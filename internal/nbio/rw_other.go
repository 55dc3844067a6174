//go:build unix && (!linux || race)

package nbio

import (
	"net/netip"

	"github.com/evloop/evloop/internal/sock"
	"golang.org/x/sys/unix"
)

// Read is read(2), the ordinary call (see the package documentation).
// On an error it returns 0, as the raw path does.
func Read(fd int, p []byte) (int, error) {
	n, err := unix.Read(fd, p)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Write is write(2), as Read.
func Write(fd int, p []byte) (int, error) {
	n, err := unix.Write(fd, p)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// RecvFrom receives one datagram into p with x/sys/unix's Recvmsg: the
// length received, the sender (the zero AddrPort if it is not an IP
// address), and whether the datagram was cut to fit p.
func RecvFrom(fd int, p []byte) (int, netip.AddrPort, bool, error) {
	n, _, flags, from, err := unix.Recvmsg(fd, p, nil, 0)
	if err != nil {
		return 0, netip.AddrPort{}, false, err
	}
	ap, _ := sock.AddrPort(from)
	return n, ap, flags&unix.MSG_TRUNC != 0, nil
}

// SendTo sends p as one datagram to to with x/sys/unix's Sendto; the zero
// AddrPort sends on a connected socket. The caller has checked that to
// suits the socket's domain (sock.Fits).
func SendTo(fd int, p []byte, domain int, to netip.AddrPort) error {
	var sa unix.Sockaddr
	if to.IsValid() {
		sa = sock.Sockaddr(domain, to)
	}
	return unix.Sendto(fd, p, 0, sa)
}
