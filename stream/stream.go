//go:build unix

// Package stream is non-blocking TCP and Unix stream sockets for the loop,
// made directly with golang.org/x/sys/unix rather than through package
// net, whose descriptors belong to the runtime's own poller.
//
// It has the two shapes asyncio has. With tasks, a coroutine calls
// Accept, Dial, Read and Write, which suspend it on the loop until the
// socket is ready. With callbacks, Serve calls a Protocol's
// ConnectionMade, DataReceived and ConnectionLost, and the Protocol writes
// through a Transport that buffers what the socket cannot take yet and
// tells the Protocol to pause when the buffer grows (back-pressure); that
// is the fastest path, with no coroutine switch per message. A task that
// reads with ReadShared instead of Read borrows a buffer that all the
// loop's tasks share, so that a connection waiting for data holds no
// buffer of its own, as a callback connection holds none.
//
// Errors match the usual sentinels: io.EOF at the end of a stream,
// net.ErrClosed after Close (a task suspended on the connection wakes
// with it), os.ErrDeadlineExceeded past a deadline, and the system's
// errno (errors.Is(err, unix.ECONNREFUSED)) otherwise. Listen takes
// numeric addresses ("127.0.0.1:0", "[::1]:8080", a path for "unix"); a
// bad one is a *net.AddrError. Dial also takes host names, looked up on
// the executor's goroutines (task.ToThread), never on the loop's.
//
// Code written for package net runs in a task through NetConn and
// NetListener, a connection or listener seen as a net.Conn or
// net.Listener by one coroutine: crypto/tls, bufio, net/http's request
// parsing. Sockets made elsewhere (an *os.File, a net.Conn, a
// net.Listener, a descriptor inherited from systemd) join the loop with
// AdoptConn and AdoptListener.
//
// A server shuts down gracefully with Listener.Shutdown (stop accepting,
// let open connections finish until a context ends, close the rest), and
// spreads over the cores with ListenGroup: a listener per loop of a
// loop.Group on one address.
//
// A server holds up at its limits. When the process runs out of
// descriptors, accepting pauses (5 ms, doubling to 1 s) instead of
// spinning on EMFILE, the condition goes once to the loop's exception
// handler, open connections are served meanwhile, and the connections
// waiting in the backlog are accepted once descriptors are free; Accept
// in a task waits the same way rather than fail. A Protocol that panics
// loses its connection (closed, with ConnectionLost(*PanicError)), and the
// panic goes to the exception handler; the server goes on.
package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/nbio"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

// A Listener accepts stream connections.
type Listener struct {
	l        *loop.Loop
	fd       int
	domain   int
	addr     net.Addr
	closed   bool
	backoff  backoff
	retry    loop.Handle // a paused Serve's next try
	acceptor *task.Co    // the task suspended in Accept

	// In a group without SO_REUSEPORT's spreading (ListenGroup): the
	// first listener's peers, to which it hands connections in turn; a
	// peer has no socket (fd -1) and queues what it is handed.
	peers   []*Listener
	turn    int
	pending []handed
	srv     *server // Serve's, for the connections handed over

	members  map[member]struct{} // the open connections it accepted
	shutdown *task.Future[int]   // Shutdown's
	drained  func()              // ends a shutdown when the last member leaves
}

// Listen opens a listening socket on the loop. For TCP, SO_REUSEADDR is
// set; port 0 picks a free port (Addr tells which). A closed loop fails
// with api.ErrClosed before any socket is opened.
func Listen(l *loop.Loop, network, address string) (*Listener, error) {
	return listen(l, network, address, false)
}

// listen is Listen, with SO_REUSEPORT set first when reusePort is true.
func listen(l *loop.Loop, network, address string, reusePort bool) (*Listener, error) {
	if l == nil || l.Closed() {
		return nil, fmt.Errorf("stream: listen %s %s: %w", network, address, api.ErrClosed)
	}
	domain, sa, err := sockaddr(network, address)
	if err != nil {
		return nil, err
	}
	fd, err := socket(domain)
	if err != nil {
		return nil, fmt.Errorf("stream: listen %s %s: %w", network, address, err)
	}
	if domain != unix.AF_UNIX {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	}
	if reusePort {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("stream: listen %s %s: %w", network, address, os.NewSyscallError("setsockopt", err))
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stream: listen %s %s: %w", network, address, os.NewSyscallError("bind", err))
	}
	if err := unix.Listen(fd, 1024); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stream: listen %s %s: %w", network, address, os.NewSyscallError("listen", err))
	}
	local, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stream: listen: %w", os.NewSyscallError("getsockname", err))
	}
	return &Listener{l: l, fd: fd, domain: domain, addr: netAddr(local)}, nil
}

// Addr returns the address the listener is bound to.
func (ln *Listener) Addr() net.Addr { return ln.addr }

// Fd returns the listening descriptor.
func (ln *Listener) Fd() int { return ln.fd }

// Accept suspends co until a connection arrives and returns it. When the
// process or the system is out of descriptors (or memory) Accept does not
// fail: it reports the condition once to the loop's exception handler and
// keeps trying, with pauses from 5 ms to 1 s, until a descriptor is free.
func (ln *Listener) Accept(co *task.Co) (*Conn, error) {
	for {
		if ln.closed {
			return nil, fmt.Errorf("stream: accept: %w", net.ErrClosed)
		}
		if c, ok := ln.takeHanded(); ok {
			return c, nil
		}
		if ln.fd < 0 { // a group's listener without a socket: wait to be handed one
			ln.acceptor = co
			err := co.Park(0)
			ln.acceptor = nil
			if err != nil {
				return nil, fmt.Errorf("stream: accept: %w", err)
			}
			continue
		}
		fd, sa, err := accept(ln.fd)
		switch {
		case err == nil:
			ln.backoff.accepted()
			setNoDelay(fd, ln.domain)
			if ln.handOff(fd, sa) {
				continue
			}
			c := newConn(ln.l, fd)
			c.remote, c.ln = sa, ln
			ln.join(c)
			return c, nil
		case resourceError(err):
			if err := co.Sleep(ln.backoff.fail(ln.l, ln, os.NewSyscallError("accept", err))); err != nil {
				return nil, err
			}
		case err != unix.EAGAIN:
			return nil, fmt.Errorf("stream: accept: %w", os.NewSyscallError("accept", err))
		default:
			ln.backoff.drained()
			ln.acceptor = co
			err := co.WaitReadable(ln.fd)
			ln.acceptor = nil
			if err != nil {
				return nil, fmt.Errorf("stream: accept: %w", err)
			}
		}
	}
}

// Close stops listening. A task suspended in Accept returns an error
// matching net.ErrClosed.
func (ln *Listener) Close() error {
	if ln.closed {
		return fmt.Errorf("stream: close listener: %w", net.ErrClosed)
	}
	ln.closed = true
	ln.retry.Cancel()
	if ln.acceptor != nil {
		ln.acceptor.Interrupt(net.ErrClosed)
	}
	ln.closeHanded()
	if ln.fd < 0 {
		return nil
	}
	ln.l.RemoveReader(ln.fd)
	if ln.domain == unix.AF_UNIX {
		if a, ok := ln.addr.(*net.UnixAddr); ok {
			os.Remove(a.Name)
		}
	}
	return unix.Close(ln.fd)
}

// A Conn is a connected stream socket used from tasks. One task may read
// while another writes; Close, from any task or callback of the loop,
// wakes both with an error matching net.ErrClosed.
type Conn struct {
	l      *loop.Loop
	fd     int
	closed bool
	rdl    int64    // read deadline on the loop's clock; 0: none
	wdl    int64    // write deadline
	reader *task.Co // the task suspended in Read
	writer *task.Co // the task suspended in Write
	sockAddrs

	ln         *Listener // the listener that accepted it, if any
	onShutdown func()
	closeErr   error // what a suspended task gets when c is closed

	// The loop watches the descriptor for a direction from the first
	// wait on, and goes on watching between waits, so that a task that
	// reads (or writes) in a loop costs no change of registration per
	// wait; a readiness nobody waits for ends the watch (level-triggered,
	// it would come back in every iteration).
	watchR, watchW         bool
	onReadable, onWritable func() // bound once
	drained                bool   // the last read took less than it could: the socket is empty
	shared                 []byte // the loop's shared read buffer, once ReadShared is called
}

// wait parks co until the descriptor is ready in the direction, the
// direction's deadline passes, or the connection is closed.
func (c *Conn) wait(co *task.Co, write bool) error {
	waiter, watching, deadline := &c.reader, &c.watchR, c.rdl
	if write {
		waiter, watching, deadline = &c.writer, &c.watchW, c.wdl
	}
	if *waiter != nil {
		return task.ErrBusy
	}
	if !*watching {
		if write && c.l.HasWriter(c.fd) || !write && c.l.HasReader(c.fd) {
			return task.ErrBusy // a callback watches the descriptor
		}
		var err error
		if write {
			if c.onWritable == nil {
				c.onWritable = func() { c.ready(true) }
			}
			err = c.l.AddWriter(c.fd, c.onWritable)
		} else {
			if c.onReadable == nil {
				c.onReadable = func() { c.ready(false) }
			}
			err = c.l.AddReader(c.fd, c.onReadable)
		}
		if err != nil {
			return err
		}
		*watching = true
	}
	*waiter = co
	err := co.Park(deadline)
	*waiter = nil
	return err
}

// ready is the loop's callback for a direction: it wakes the task parked
// on it, or ends the watch if there is none.
func (c *Conn) ready(write bool) {
	waiter, watching := c.reader, &c.watchR
	if write {
		waiter, watching = c.writer, &c.watchW
	}
	if waiter != nil {
		// At once, not in a later callback: the loop would poll again
		// first and report this readiness again, stale once the task
		// has read, and wake it for a read that finds nothing.
		waiter.Resume()
		return
	}
	*watching = false
	if write {
		c.l.RemoveWriter(c.fd)
	} else {
		c.l.RemoveReader(c.fd)
	}
}

// SetDeadline sets the read and write deadlines, as net.Conn's does: a
// Read or Write suspended when its deadline passes, or begun after it,
// returns an error matching os.ErrDeadlineExceeded; the zero time means
// none. A deadline is a timer on the loop, converted from t to the loop's
// clock when it is set.
func (c *Conn) SetDeadline(t time.Time) error {
	c.rdl = c.loopTime(t)
	c.wdl = c.rdl
	return nil
}

// SetReadDeadline sets the read deadline (see SetDeadline).
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.rdl = c.loopTime(t)
	return nil
}

// SetWriteDeadline sets the write deadline (see SetDeadline).
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.wdl = c.loopTime(t)
	return nil
}

// loopTime converts t to the loop's clock, saturating; 0 stands for the
// zero time, so a deadline that lands on 0 is moved a nanosecond later,
// and one already past is now.
func (c *Conn) loopTime(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	now, d := c.l.Now(), int64(time.Until(t))
	v := now
	switch {
	case d > 0 && now > math.MaxInt64-d:
		v = math.MaxInt64
	case d > 0:
		v = now + d
	}
	if v == 0 {
		v = 1
		if d <= 0 {
			v = -1
		}
	}
	return v
}

func newConn(l *loop.Loop, fd int) *Conn { return &Conn{l: l, fd: fd} }

// Dial connects to address, suspending co until the connection is made.
// A host name (or a service name for the port) is looked up on the
// executor's goroutines (task.ToThread), never on the loop's, and the
// addresses found are tried in order until one connects; the error of
// the first is returned if none does.
func Dial(co *task.Co, network, address string) (*Conn, error) {
	targets, err := resolve(co, network, address)
	if err != nil {
		return nil, err
	}
	var first error
	for _, t := range targets {
		c, err := dial(co, t)
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = fmt.Errorf("stream: dial %s %s: %w", network, address, err)
		}
		if errors.Is(err, context.Canceled) {
			break
		}
	}
	return nil, first
}

func dial(co *task.Co, t target) (*Conn, error) {
	fd, err := socket(t.domain)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Conn, error) {
		unix.Close(fd)
		return nil, err
	}
	err = unix.Connect(fd, t.sa)
	for err == unix.EINTR {
		err = unix.Connect(fd, t.sa)
	}
	if err == unix.EINPROGRESS || err == unix.EALREADY {
		if err := co.WaitWritable(fd); err != nil {
			return fail(err)
		}
		soerr, gerr := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if gerr != nil {
			return fail(os.NewSyscallError("getsockopt", gerr))
		}
		err = nil
		if soerr != 0 {
			err = unix.Errno(soerr)
		}
	}
	if err != nil {
		return fail(os.NewSyscallError("connect", err))
	}
	setNoDelay(fd, t.domain)
	c := newConn(co.Loop(), fd)
	c.remote = t.sa
	return c, nil
}

// Fd returns the connection's descriptor.
func (c *Conn) Fd() int { return c.fd }

// LocalAddr returns the connection's local address (nil once it is
// closed, if it was not asked for before).
func (c *Conn) LocalAddr() net.Addr { return c.localAddr(c.fd) }

// RemoteAddr returns the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.remoteAddr(c.fd) }

// Read reads into p, suspending co until data, the end of the stream
// (io.EOF) or an error arrives.
func (c *Conn) Read(co *task.Co, p []byte) (int, error) {
	for {
		if c.closed {
			return 0, fmt.Errorf("stream: read: %w", net.ErrClosed)
		}
		if c.rdl != 0 && c.rdl <= c.l.Now() {
			return 0, fmt.Errorf("stream: read: %w", os.ErrDeadlineExceeded)
		}
		if c.drained && c.watchR {
			// The last read emptied the socket, and the loop watches it:
			// what arrives since is reported by the next poll, so waiting
			// first saves a read that would find nothing (EAGAIN).
			c.drained = false
			if err := c.wait(co, false); err != nil {
				return 0, fmt.Errorf("stream: read: %w", err)
			}
		}
		n, err := nbio.Read(c.fd, p)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			if err := c.wait(co, false); err != nil {
				return 0, fmt.Errorf("stream: read: %w", err)
			}
			continue
		case err != nil:
			return 0, fmt.Errorf("stream: read: %w", os.NewSyscallError("read", err))
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		c.drained = n < len(p)
		return n, nil
	}
}

// Write writes all of p, suspending co whenever the socket cannot take
// more; it returns short only with an error. Data from ReadShared is
// copied before Write waits, since other tasks reuse that buffer.
func (c *Conn) Write(co *task.Co, p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if c.closed {
			return written, fmt.Errorf("stream: write: %w", net.ErrClosed)
		}
		if c.wdl != 0 && c.wdl <= c.l.Now() {
			return written, fmt.Errorf("stream: write: %w", os.ErrDeadlineExceeded)
		}
		n, err := nbio.Write(c.fd, p)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			if lent(c.l, p) {
				p = bytes.Clone(p)
			}
			if err := c.wait(co, true); err != nil {
				return written, fmt.Errorf("stream: write: %w", err)
			}
			continue
		case err != nil:
			return written, fmt.Errorf("stream: write: %w", os.NewSyscallError("write", err))
		}
		written += n
		p = p[n:]
	}
	return written, nil
}

// CloseWrite shuts down the sending side: the peer reads io.EOF.
func (c *Conn) CloseWrite() error {
	if c.closed {
		return fmt.Errorf("stream: close write: %w", net.ErrClosed)
	}
	return os.NewSyscallError("shutdown", unix.Shutdown(c.fd, unix.SHUT_WR))
}

// Close closes the connection. A task suspended in Read or Write on it
// returns an error matching net.ErrClosed. Call it on the loop's
// goroutine (a task or a callback).
func (c *Conn) Close() error {
	if c.closed {
		return fmt.Errorf("stream: close: %w", net.ErrClosed)
	}
	c.closed = true
	err := c.closeErr
	if err == nil {
		err = net.ErrClosed
	}
	for _, co := range [...]*task.Co{c.reader, c.writer} {
		if co != nil {
			co.Interrupt(err)
		}
	}
	if c.ln != nil {
		c.ln.leave(c)
	}
	c.l.RemoveReader(c.fd)
	c.l.RemoveWriter(c.fd)
	return unix.Close(c.fd)
}
