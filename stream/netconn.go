package stream

import (
	"net"
	"time"

	"github.com/evloop/evloop/task"
)

// A NetConn is a Conn seen as a net.Conn by one coroutine: its Read and
// Write suspend that coroutine, as Conn's do, so code written for
// net.Conn runs unchanged inside a task: crypto/tls (tls.Server,
// tls.Client), bufio, net/http's ReadRequest, io.Copy.
//
// Use it only from the coroutine it is bound to (Bind moves it to another
// one), never from another goroutine: unlike a net.Conn from
// package net, its methods are not safe for concurrent use. In
// particular, give tls.Conn.HandshakeContext no context that can be
// cancelled, since crypto/tls then closes the connection from a goroutine
// of its own; Handshake and a plain context are fine.
type NetConn struct {
	c  *Conn
	co *task.Co
}

var _ net.Conn = (*NetConn)(nil)

// NetConn returns c as a net.Conn bound to co.
func (c *Conn) NetConn(co *task.Co) *NetConn { return &NetConn{c: c, co: co} }

// Conn returns the connection underneath.
func (n *NetConn) Conn() *Conn { return n.c }

// Bind binds n to another coroutine: hand a connection accepted in one
// task to the task that serves it. It rebinds n itself, so that what
// wraps n (a tls.Conn from tls.NewListener, a bufio.Reader) follows.
func (n *NetConn) Bind(co *task.Co) { n.co = co }

// Read reads into p, suspending the coroutine until data arrives.
func (n *NetConn) Read(p []byte) (int, error) { return n.c.Read(n.co, p) }

// Write writes all of p, suspending the coroutine while the socket is full.
func (n *NetConn) Write(p []byte) (int, error) { return n.c.Write(n.co, p) }

// Close closes the connection.
func (n *NetConn) Close() error { return n.c.Close() }

// CloseWrite shuts down the sending side.
func (n *NetConn) CloseWrite() error { return n.c.CloseWrite() }

// LocalAddr returns the local address.
func (n *NetConn) LocalAddr() net.Addr { return n.c.LocalAddr() }

// RemoteAddr returns the peer's address.
func (n *NetConn) RemoteAddr() net.Addr { return n.c.RemoteAddr() }

// SetDeadline sets the read and write deadlines (Conn.SetDeadline).
func (n *NetConn) SetDeadline(t time.Time) error { return n.c.SetDeadline(t) }

// SetReadDeadline sets the read deadline.
func (n *NetConn) SetReadDeadline(t time.Time) error { return n.c.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (n *NetConn) SetWriteDeadline(t time.Time) error { return n.c.SetWriteDeadline(t) }

// A NetListener is a Listener seen as a net.Listener by one coroutine:
// Accept suspends it, and returns connections bound to it (*NetConn; Bind
// them to the tasks that serve them). The same rules as NetConn's apply.
type NetListener struct {
	ln *Listener
	co *task.Co
}

var _ net.Listener = (*NetListener)(nil)

// NetListener returns ln as a net.Listener bound to co.
func (ln *Listener) NetListener(co *task.Co) *NetListener { return &NetListener{ln: ln, co: co} }

// Accept suspends the coroutine until a connection arrives.
func (n *NetListener) Accept() (net.Conn, error) {
	c, err := n.ln.Accept(n.co)
	if err != nil {
		return nil, err
	}
	return c.NetConn(n.co), nil
}

// Close stops listening.
func (n *NetListener) Close() error { return n.ln.Close() }

// Addr returns the listening address.
func (n *NetListener) Addr() net.Addr { return n.ln.Addr() }

// Listener returns the listener underneath.
func (n *NetListener) Listener() *Listener { return n.ln }
