//go:build unix

// Package datagram is non-blocking UDP sockets for the loop, IPv4 and
// IPv6, made with golang.org/x/sys/unix as package stream's are.
//
// Tasks call ReadFrom and WriteTo on a Conn (Read and Write when it is
// connected with Dial), which suspend the coroutine until the socket is
// ready. Callbacks hand a Conn to Serve with a Protocol: its
// DatagramReceived runs for each datagram, with the sender's address;
// SendTo on the Transport never blocks (what the socket cannot take now
// is queued, in order, and sent when it can). These are asyncio's
// DatagramProtocol and DatagramTransport.
//
// A datagram larger than the buffer it is read into is truncated: the
// buffer holds its first bytes, and the error matches api.ErrTruncated
// (a Protocol gets the bytes in DatagramReceived, then the error in
// ErrorReceived). Errors the network reports for earlier sends (an ICMP
// "port unreachable" on a connected socket: unix.ECONNREFUSED) come back
// from the next read, or in ErrorReceived; the socket goes on. Addresses
// are numeric ("127.0.0.1:0", "[::1]:9000", ":0"); a bad one is a
// *net.AddrError.
package datagram

import (
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/nbio"
	"github.com/evloop/evloop/internal/sock"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

// A Conn is a datagram socket.
type Conn struct {
	l         *loop.Loop
	fd        int
	domain    int
	closed    bool
	connected bool
	local     net.Addr
	remote    net.Addr
	reader    *task.Co // the task suspended in a read
	writer    *task.Co // the task suspended in a write
	t         *Transport
}

// Listen opens a datagram socket bound to address, for network "udp",
// "udp4" or "udp6"; port 0 picks a free port (LocalAddr tells which). A
// closed loop fails with api.ErrClosed before any socket is opened.
func Listen(l *loop.Loop, network, address string) (*Conn, error) {
	return open(l, "listen", network, address, unix.Bind)
}

// Dial opens a datagram socket connected to address: Write sends there,
// and only datagrams from there are received.
func Dial(l *loop.Loop, network, address string) (*Conn, error) {
	c, err := open(l, "dial", network, address, unix.Connect)
	if c != nil {
		c.connected = true
		if sa, err := unix.Getpeername(c.fd); err == nil {
			c.remote = udpAddr(sa)
		}
	}
	return c, err
}

func open(l *loop.Loop, op, network, address string, attach func(int, unix.Sockaddr) error) (*Conn, error) {
	if l == nil || l.Closed() {
		return nil, fmt.Errorf("datagram: %s %s %s: %w", op, network, address, api.ErrClosed)
	}
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, fmt.Errorf("datagram: network %q: %w", network, net.UnknownNetworkError(network))
	}
	domain, sa, err := sock.ParseIP(network, address)
	if err != nil {
		return nil, fmt.Errorf("datagram: %w", err)
	}
	fd, err := sock.Open(domain, unix.SOCK_DGRAM)
	if err != nil {
		return nil, fmt.Errorf("datagram: %s %s %s: %w", op, network, address, err)
	}
	if err := attach(fd, sa); err != nil {
		unix.Close(fd)
		call := "bind"
		if op == "dial" {
			call = "connect"
		}
		return nil, fmt.Errorf("datagram: %s %s %s: %w", op, network, address, os.NewSyscallError(call, err))
	}
	local, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("datagram: %s: %w", op, os.NewSyscallError("getsockname", err))
	}
	return &Conn{l: l, fd: fd, domain: domain, local: udpAddr(local)}, nil
}

func udpAddr(sa unix.Sockaddr) net.Addr {
	if ap, ok := sock.AddrPort(sa); ok {
		return net.UDPAddrFromAddrPort(ap)
	}
	return nil
}

// Fd returns the socket's descriptor.
func (c *Conn) Fd() int { return c.fd }

// LocalAddr returns the address the socket is bound to.
func (c *Conn) LocalAddr() net.Addr { return c.local }

// RemoteAddr returns the address a Dial'd socket is connected to, nil
// for a listening one.
func (c *Conn) RemoteAddr() net.Addr { return c.remote }

// ReadFrom reads one datagram into p, suspending co until one arrives,
// and returns its length and sender. A datagram longer than p fills p
// and comes with an error matching api.ErrTruncated.
func (c *Conn) ReadFrom(co *task.Co, p []byte) (int, netip.AddrPort, error) {
	for {
		if c.closed {
			return 0, netip.AddrPort{}, fmt.Errorf("datagram: read: %w", net.ErrClosed)
		}
		if c.t != nil {
			return 0, netip.AddrPort{}, fmt.Errorf("datagram: read: the conn is served by a Protocol: %w", task.ErrBusy)
		}
		n, from, err := recv(c.fd, p)
		if err != unix.EAGAIN {
			return n, from, err
		}
		c.reader = co
		err = co.WaitReadable(c.fd)
		c.reader = nil
		if err != nil {
			return 0, netip.AddrPort{}, fmt.Errorf("datagram: read: %w", err)
		}
	}
}

// Read reads one datagram from a connected socket (see ReadFrom).
func (c *Conn) Read(co *task.Co, p []byte) (int, error) {
	n, _, err := c.ReadFrom(co, p)
	return n, err
}

// recv receives one datagram; EAGAIN comes back as it is.
func recv(fd int, p []byte) (int, netip.AddrPort, error) {
	for {
		n, ap, truncated, err := nbio.RecvFrom(fd, p)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return 0, netip.AddrPort{}, err
		case err != nil:
			return 0, netip.AddrPort{}, fmt.Errorf("datagram: read: %w", os.NewSyscallError("recvmsg", err))
		}
		if truncated {
			return n, ap, fmt.Errorf("datagram: read into %d bytes: %w", len(p), api.ErrTruncated)
		}
		return n, ap, nil
	}
}

// WriteTo sends p as one datagram to addr, suspending co while the socket
// cannot take it. An IPv4 address goes to an IPv6 socket mapped; an IPv6
// one cannot go to an IPv4 socket (an error matching unix.EAFNOSUPPORT).
func (c *Conn) WriteTo(co *task.Co, p []byte, addr netip.AddrPort) (int, error) {
	if !sock.Fits(c.domain, addr) {
		return 0, fmt.Errorf("datagram: write to %v: %w", addr, unix.EAFNOSUPPORT)
	}
	return c.write(co, p, addr)
}

// Write sends p as one datagram on a connected socket.
func (c *Conn) Write(co *task.Co, p []byte) (int, error) {
	if !c.connected {
		return 0, fmt.Errorf("datagram: write: not connected (use WriteTo): %w", unix.EDESTADDRREQ)
	}
	return c.write(co, p, netip.AddrPort{})
}

// write sends to to, or on the connected socket if to is the zero AddrPort.
func (c *Conn) write(co *task.Co, p []byte, to netip.AddrPort) (int, error) {
	for {
		if c.closed {
			return 0, fmt.Errorf("datagram: write: %w", net.ErrClosed)
		}
		err := send(c.fd, c.domain, p, to)
		if err != unix.EAGAIN {
			if err != nil {
				return 0, err
			}
			return len(p), nil
		}
		c.writer = co
		err = co.WaitWritable(c.fd)
		c.writer = nil
		if err != nil {
			return 0, fmt.Errorf("datagram: write: %w", err)
		}
	}
}

// send sends one datagram to to (the zero AddrPort: on a connected
// socket); EAGAIN comes back as it is.
func send(fd, domain int, p []byte, to netip.AddrPort) error {
	for {
		err := nbio.SendTo(fd, p, domain, to)
		switch err {
		case nil, unix.EAGAIN:
			return err
		case unix.EINTR:
			continue
		}
		return fmt.Errorf("datagram: write: %w", os.NewSyscallError("sendto", err))
	}
}

// Close closes the socket. A task suspended on it returns an error
// matching net.ErrClosed. A socket served by a Protocol closes as its
// Transport's Close does: once the queued datagrams are sent.
func (c *Conn) Close() error {
	if c.closed || c.t != nil && c.t.closing {
		return fmt.Errorf("datagram: close: %w", net.ErrClosed)
	}
	if c.t != nil {
		c.t.Close()
		return nil
	}
	c.closed = true
	for _, co := range [...]*task.Co{c.reader, c.writer} {
		if co != nil {
			co.Interrupt(net.ErrClosed)
		}
	}
	c.l.RemoveReader(c.fd)
	c.l.RemoveWriter(c.fd)
	return os.NewSyscallError("close", unix.Close(c.fd))
}
