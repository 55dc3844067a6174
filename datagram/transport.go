//go:build unix

package datagram

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/sock"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

// readBatch is how many datagrams one readiness event reads at most, so
// that a flood on one socket does not starve the rest of the loop.
const readBatch = 64

// A Transport is a datagram socket served by a Protocol.
type Transport struct {
	c       *Conn
	proto   Protocol
	buf     []byte
	queue   []pending // what the socket could not take yet, in order
	queued  int       // their bytes
	closing bool
	done    bool
}

type pending struct {
	p  []byte
	to netip.AddrPort // the zero AddrPort on a connected socket
}

// Serve hands c to p: p.ConnectionMade runs now, then DatagramReceived
// for each datagram, until Close. A task may no longer read c. A nil
// Protocol fails with an error matching api.ErrNilCallback, a closed
// Conn with net.ErrClosed, one already served with task.ErrBusy.
func Serve(c *Conn, p Protocol) (*Transport, error) {
	switch {
	case p == nil:
		return nil, fmt.Errorf("datagram: serve: nil protocol: %w", api.ErrNilCallback)
	case c.closed:
		return nil, fmt.Errorf("datagram: serve: %w", net.ErrClosed)
	case c.t != nil || c.reader != nil:
		return nil, fmt.Errorf("datagram: serve: %w", task.ErrBusy)
	}
	t := &Transport{c: c, proto: p, buf: make([]byte, 64<<10)}
	c.t = t
	if err := c.l.AddReader(c.fd, t.readable); err != nil {
		c.t = nil
		return nil, fmt.Errorf("datagram: serve: %w", err)
	}
	defer t.guard()
	p.ConnectionMade(t)
	return t, nil
}

// guard, deferred around every call into the protocol, closes the socket
// if the protocol panics and passes the panic on to the loop.
func (t *Transport) guard() {
	if p := recover(); p != nil {
		t.finish(&PanicError{Value: p})
		panic(p)
	}
}

func (t *Transport) readable() {
	defer t.guard()
	for range readBatch {
		if t.done || t.closing { // Close from a callback: no datagram after it
			return
		}
		n, from, err := recv(t.c.fd, t.buf)
		switch {
		case err == unix.EAGAIN:
			return
		case err == nil:
			t.proto.DatagramReceived(t.buf[:n], from)
		default:
			if n > 0 { // truncated: the first bytes, then the error
				t.proto.DatagramReceived(t.buf[:n], from)
			}
			if !t.done {
				t.proto.ErrorReceived(err)
			}
		}
	}
}

// SendTo sends p as one datagram to addr without blocking: what the
// socket cannot take now is copied and queued, and sent in order when it
// can. An error the socket reports at once is returned; one met later
// goes to ErrorReceived.
func (t *Transport) SendTo(p []byte, addr netip.AddrPort) error {
	if !sock.Fits(t.c.domain, addr) {
		return fmt.Errorf("datagram: send to %v: %w", addr, unix.EAFNOSUPPORT)
	}
	return t.send(p, addr)
}

// Send sends p as one datagram on a connected socket (see SendTo).
func (t *Transport) Send(p []byte) error {
	if !t.c.connected {
		return fmt.Errorf("datagram: send: not connected (use SendTo): %w", unix.EDESTADDRREQ)
	}
	return t.send(p, netip.AddrPort{})
}

func (t *Transport) send(p []byte, to netip.AddrPort) error {
	if t.done || t.closing {
		return fmt.Errorf("datagram: send: %w", net.ErrClosed)
	}
	if len(t.queue) == 0 {
		err := send(t.c.fd, t.c.domain, p, to)
		if err != unix.EAGAIN {
			return err
		}
		if err := t.c.l.AddWriter(t.c.fd, t.flush); err != nil {
			return fmt.Errorf("datagram: send: %w", err)
		}
	}
	t.queue = append(t.queue, pending{bytes.Clone(p), to})
	t.queued += len(p)
	return nil
}

func (t *Transport) flush() {
	defer t.guard()
	for len(t.queue) > 0 && !t.done {
		d := t.queue[0]
		err := send(t.c.fd, t.c.domain, d.p, d.to)
		if err == unix.EAGAIN {
			return
		}
		t.queue[0] = pending{}
		t.queue = t.queue[1:]
		t.queued -= len(d.p)
		if err != nil {
			t.proto.ErrorReceived(err)
		}
	}
	if t.done {
		return
	}
	t.queue = nil
	t.c.l.RemoveWriter(t.c.fd)
	if t.closing {
		t.finish(nil)
	}
}

// BufferedAmount returns the bytes queued and not yet sent.
func (t *Transport) BufferedAmount() int { return t.queued }

// LocalAddr returns the socket's address.
func (t *Transport) LocalAddr() net.Addr { return t.c.local }

// Close closes the socket once what is queued has been sent;
// ConnectionLost(nil) follows.
func (t *Transport) Close() {
	if t.done || t.closing {
		return
	}
	t.closing = true
	t.c.l.RemoveReader(t.c.fd)
	if len(t.queue) == 0 {
		t.finish(nil)
	}
}

// finish closes the socket and tells the protocol, in the next iteration.
func (t *Transport) finish(err error) {
	if t.done {
		return
	}
	t.done = true
	c := t.c
	c.closed = true
	c.l.RemoveReader(c.fd)
	c.l.RemoveWriter(c.fd)
	unix.Close(c.fd)
	t.queue, t.queued = nil, 0
	c.l.CallSoon(func() { t.proto.ConnectionLost(err) })
}
