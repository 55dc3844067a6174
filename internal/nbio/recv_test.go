//go:build unix

package nbio_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/evloop/evloop/internal/nbio"
	"github.com/evloop/evloop/internal/sock"
	"golang.org/x/sys/unix"
)

// udpPair returns a non-blocking UDP socket bound to a free port of the
// loopback address lo, another to send from, and their addresses.
func udpPair(t testing.TB, domain int, lo string) (rx, tx int, rxAddr unix.Sockaddr, txAP netip.AddrPort) {
	t.Helper()
	var fds [2]int
	for i := range fds {
		fd, err := sock.Open(domain, unix.SOCK_DGRAM)
		if err != nil {
			t.Skipf("socket(%d): %v", domain, err)
		}
		t.Cleanup(func() { unix.Close(fd) })
		if err := unix.Bind(fd, sock.Sockaddr(domain, netip.AddrPortFrom(netip.MustParseAddr(lo), 0))); err != nil {
			t.Skipf("bind %s: %v", lo, err)
		}
		fds[i] = fd
	}
	rxAddr, err := unix.Getsockname(fds[0])
	if err != nil {
		t.Fatal(err)
	}
	txSA, err := unix.Getsockname(fds[1])
	if err != nil {
		t.Fatal(err)
	}
	txAP, _ = sock.AddrPort(txSA)
	return fds[0], fds[1], rxAddr, txAP
}

// RecvFrom returns a datagram's length, its sender and whether it was cut
// to fit, and EAGAIN on an empty socket, over IPv4 and IPv6.
func TestRecvFrom(t *testing.T) {
	for _, c := range []struct {
		domain int
		lo     string
	}{{unix.AF_INET, "127.0.0.1"}, {unix.AF_INET6, "::1"}} {
		rx, tx, to, sender := udpPair(t, c.domain, c.lo)
		buf := make([]byte, 8)
		if n, _, _, err := nbio.RecvFrom(rx, buf); n != 0 || !errors.Is(err, unix.EAGAIN) {
			t.Errorf("%s: RecvFrom(empty socket) = %d, %v; want 0, EAGAIN", c.lo, n, err)
		}
		if err := unix.Sendto(tx, []byte("hello"), 0, to); err != nil {
			t.Fatal(err)
		}
		n, from, cut, err := nbio.RecvFrom(rx, buf)
		if n != 5 || from != sender || cut || err != nil || string(buf[:n]) != "hello" {
			t.Errorf("%s: RecvFrom = %d (%q), %v, truncated %v, %v; want 5 (\"hello\"), %v, false, nil", c.lo, n, buf[:n], from, cut, err, sender)
		}
		if err := unix.Sendto(tx, []byte("a datagram longer than eight bytes"), 0, to); err != nil {
			t.Fatal(err)
		}
		if n, from, cut, err := nbio.RecvFrom(rx, buf); n != 8 || from != sender || !cut || err != nil {
			t.Errorf("%s: RecvFrom(8-byte buffer) = %d, %v, truncated %v, %v; want 8, %v, true, nil", c.lo, n, from, cut, err, sender)
		}
	}
}

// SendTo sends to an IPv4 or IPv6 address, an IPv4 one mapped from an
// AF_INET6 socket, and on a connected socket when given no address.
func TestSendTo(t *testing.T) {
	for _, c := range []struct {
		domain int
		lo     string
		to     func(netip.AddrPort) netip.AddrPort
	}{
		{unix.AF_INET, "127.0.0.1", func(ap netip.AddrPort) netip.AddrPort { return ap }},
		{unix.AF_INET6, "::1", func(ap netip.AddrPort) netip.AddrPort { return ap }},
		{unix.AF_INET6, "::ffff:127.0.0.1", func(ap netip.AddrPort) netip.AddrPort {
			return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()) // 127.0.0.1 from an AF_INET6 socket
		}},
	} {
		rx, tx, rxSA, sender := udpPair(t, c.domain, c.lo)
		rxAP, _ := sock.AddrPort(rxSA)
		buf := make([]byte, 16)
		if err := nbio.SendTo(tx, []byte("to"), c.domain, c.to(rxAP)); err != nil {
			t.Errorf("%s: SendTo(%v) = %v; want nil", c.lo, c.to(rxAP), err)
			continue
		}
		if n, from, _, err := nbio.RecvFrom(rx, buf); string(buf[:n]) != "to" || from != sender || err != nil {
			t.Errorf("%s: after SendTo, RecvFrom = %q, %v, %v; want \"to\", %v, nil", c.lo, buf[:n], from, err, sender)
		}
		if err := unix.Connect(tx, rxSA); err != nil {
			t.Fatal(err)
		}
		if err := nbio.SendTo(tx, []byte("connected"), c.domain, netip.AddrPort{}); err != nil {
			t.Errorf("%s: SendTo(no address) on a connected socket = %v; want nil", c.lo, err)
		}
		if n, _, _, err := nbio.RecvFrom(rx, buf); string(buf[:n]) != "connected" || err != nil {
			t.Errorf("%s: RecvFrom = %q, %v; want \"connected\", nil", c.lo, buf[:n], err)
		}
	}
}
