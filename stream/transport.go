//go:build unix

package stream

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/nbio"
	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

// The write buffer's marks, as asyncio's defaults.
const (
	highWater = 64 << 10
	lowWater  = highWater / 4
)

// A Transport is a connection's writing end for a Protocol.
type Transport struct {
	l       *loop.Loop
	fd      int
	proto   Protocol
	out     []byte // what the socket has not taken yet
	paused  bool   // the protocol was told to pause writing
	reading bool
	closing bool // close once out is flushed
	closed  bool
	buf     *[]byte // the server's shared read buffer

	idle      time.Duration // SetIdleTimeout's; 0: none
	active    int64         // when data last moved, on the loop's clock
	idleTimer loop.Handle
	onIdle    func() // t.idleCheck, bound once

	sockAddrs
	ln *Listener // the listener that accepted it
}

// LocalAddr returns the connection's local address.
func (t *Transport) LocalAddr() net.Addr { return t.localAddr(t.fd) }

// RemoteAddr returns the peer's address.
func (t *Transport) RemoteAddr() net.Addr { return t.remoteAddr(t.fd) }

// SetIdleTimeout closes the connection once d has passed with nothing
// read or written; ConnectionLost then gets an error matching
// os.ErrDeadlineExceeded. Zero or a negative d turns it off. The timer is
// not re-armed on every message: data moving only records the loop's
// time for the iteration (loop.Loop.Time, one clock read per iteration
// however many connections are active), and the timer, when it fires,
// waits again for what is left (nginx's lazy timers, on nginx's cached
// clock). The time recorded may precede the message by as long as the
// iteration has run, so the timeout may end up to that much early.
func (t *Transport) SetIdleTimeout(d time.Duration) {
	t.idleTimer.Cancel()
	t.idle, t.idleTimer = max(d, 0), loop.Handle{}
	if t.idle > 0 && !t.closed {
		t.active = t.l.Now()
		t.armIdle(t.idle)
	}
}

func (t *Transport) armIdle(after time.Duration) {
	if t.onIdle == nil {
		t.onIdle = t.idleCheck
	}
	h, err := t.l.CallLater(after, t.onIdle)
	if err != nil {
		t.abort(err)
		return
	}
	t.idleTimer = h
}

func (t *Transport) idleCheck() {
	if t.closed || t.idle <= 0 {
		return
	}
	if quiet := time.Duration(t.l.Now() - t.active); quiet < t.idle {
		t.armIdle(t.idle - quiet)
		return
	}
	t.finish(fmt.Errorf("stream: idle for %v: %w", t.idle, os.ErrDeadlineExceeded))
}

// touch records that data moved, for the idle timeout.
func (t *Transport) touch() {
	if t.idle > 0 {
		t.active = t.l.Time()
	}
}

// Serve accepts connections on ln and gives each a Protocol from
// newProtocol, until ln is closed. It returns at once: the loop does the
// work. A nil newProtocol fails here, not at the first connection.
//
// When the process runs out of descriptors, Serve stops accepting,
// reports it once to the loop's exception handler, and tries again after
// pauses from 5 ms to 1 s; open connections are served meanwhile, and
// pending ones are accepted once descriptors are free. A Protocol method
// that panics loses its connection: the transport is closed,
// ConnectionLost follows with a *PanicError, and the panic itself goes to
// the loop's exception handler.
func Serve(ln *Listener, newProtocol func() Protocol) error {
	if newProtocol == nil {
		return fmt.Errorf("stream: serve: nil protocol factory: %w", api.ErrNilCallback)
	}
	if ln.closed {
		return fmt.Errorf("stream: serve: %w", net.ErrClosed)
	}
	s := &server{ln: ln, newProtocol: newProtocol, buf: make([]byte, 64<<10)}
	s.accept = s.acceptAll
	ln.srv = s
	if ln.fd < 0 { // a group's listener without a socket: it is handed connections
		for len(ln.pending) > 0 {
			h := ln.pending[0]
			ln.pending = ln.pending[1:]
			s.start(h.fd, h.sa)
		}
		return nil
	}
	return ln.l.AddReader(ln.fd, s.accept)
}

type server struct {
	ln          *Listener
	newProtocol func() Protocol
	buf         []byte // the read buffer all its connections share
	accept      func()
}

func (s *server) acceptAll() {
	ln := s.ln
	for {
		fd, sa, err := accept(ln.fd)
		switch {
		case err == unix.EAGAIN:
			ln.backoff.drained()
			return
		case err != nil:
			// Out of descriptors, or worse: stop watching the listener
			// (it stays readable, so watching would spin) and come back.
			ln.l.RemoveReader(ln.fd)
			pause := ln.backoff.fail(ln.l, ln, os.NewSyscallError("accept", err))
			var err error
			if ln.retry, err = ln.l.CallLater(pause, s.resume); err != nil {
				ln.l.CallExceptionHandler(&loop.Exception{Message: "stream: serve: cannot schedule accepting again", Err: err})
			}
			return
		}
		ln.backoff.accepted()
		setNoDelay(fd, ln.domain)
		if !ln.handOff(fd, sa) {
			s.start(fd, sa)
		}
	}
}

func (s *server) resume() {
	if s.ln.closed {
		return
	}
	if err := s.ln.l.AddReader(s.ln.fd, s.accept); err != nil {
		s.ln.l.CallExceptionHandler(&loop.Exception{Message: "stream: serve: cannot watch the listener again", Err: err})
	}
}

// start runs the protocol of a new connection.
func (s *server) start(fd int, peer unix.Sockaddr) {
	t := &Transport{l: s.ln.l, fd: fd, buf: &s.buf, sockAddrs: sockAddrs{remote: peer}, ln: s.ln}
	s.ln.join(t)
	defer t.guard()
	t.proto = s.newProtocol()
	if t.proto == nil {
		panic("stream: the protocol factory returned nil")
	}
	t.proto.ConnectionMade(t)
	if !t.closed {
		t.ResumeReading()
	}
}

// guard, deferred around every call into the protocol, closes the
// connection if the protocol panics (its descriptor would leak otherwise)
// and passes the panic on to the loop, which reports it.
func (t *Transport) guard() {
	if p := recover(); p != nil {
		if !t.closed {
			t.finish(&PanicError{Value: p})
		}
		panic(p)
	}
}

// Write sends p, buffering whatever the socket cannot take now; it never
// blocks. Past the high-water mark the protocol is told to pause writing
// (if it is a WriteFlowController).
func (t *Transport) Write(p []byte) error {
	if t.closed || t.closing {
		return fmt.Errorf("stream: transport write: %w", net.ErrClosed)
	}
	t.touch()
	if len(t.out) == 0 {
		n, err := write(t.fd, p)
		if err != nil {
			t.abort(err)
			return err
		}
		p = p[n:]
		if len(p) == 0 {
			return nil
		}
		if err := t.l.AddWriter(t.fd, t.flush); err != nil {
			t.abort(err)
			return err
		}
	}
	t.out = append(t.out, p...)
	if fc, ok := t.proto.(WriteFlowController); ok && !t.paused && len(t.out) > highWater {
		t.paused = true
		defer t.guard()
		fc.PauseWriting()
	}
	return nil
}

// write writes what the socket takes now: 0 and no error when it takes
// nothing.
func write(fd int, p []byte) (int, error) {
	for {
		n, err := nbio.Write(fd, p)
		switch err {
		case nil:
			return n, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return 0, nil
		}
		return 0, os.NewSyscallError("write", err)
	}
}

func (t *Transport) flush() {
	defer t.guard()
	n, err := write(t.fd, t.out)
	if err != nil {
		t.abort(err)
		return
	}
	t.out = t.out[:copy(t.out, t.out[n:])]
	if fc, ok := t.proto.(WriteFlowController); ok && t.paused && len(t.out) < lowWater {
		t.paused = false
		fc.ResumeWriting()
	}
	if len(t.out) == 0 {
		t.l.RemoveWriter(t.fd)
		if t.closing {
			t.finish(nil)
		}
	}
}

func (t *Transport) readable() {
	defer t.guard()
	buf := *t.buf
	for {
		n, err := nbio.Read(t.fd, buf)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return
		case err != nil:
			t.abort(os.NewSyscallError("read", err))
			return
		case n == 0:
			t.Close() // the peer has finished sending: flush what is left, then close
			return
		}
		t.touch()
		t.proto.DataReceived(buf[:n])
		if t.closed || !t.reading || n < len(buf) {
			return
		}
	}
}

// PauseReading stops DataReceived calls until ResumeReading: the inbound
// back-pressure.
func (t *Transport) PauseReading() {
	if t.reading && !t.closed {
		t.reading = false
		t.l.RemoveReader(t.fd)
	}
}

// ResumeReading undoes PauseReading.
func (t *Transport) ResumeReading() {
	if !t.reading && !t.closed {
		if err := t.l.AddReader(t.fd, t.readable); err != nil {
			t.abort(err)
			return
		}
		t.reading = true
	}
}

// BufferedAmount returns the bytes written but not yet taken by the
// socket.
func (t *Transport) BufferedAmount() int { return len(t.out) }

// Close closes the connection once the write buffer has drained;
// ConnectionLost(nil) follows.
func (t *Transport) Close() {
	if t.closed || t.closing {
		return
	}
	t.PauseReading()
	t.closing = true
	if len(t.out) == 0 {
		t.finish(nil)
	}
}

func (t *Transport) abort(err error) { t.finish(fmt.Errorf("stream: %w", err)) }

// finish closes the socket and tells the protocol, in the next iteration.
func (t *Transport) finish(err error) {
	if t.closed {
		return
	}
	t.closed, t.reading = true, false
	t.idleTimer.Cancel()
	t.ln.leave(t)
	t.l.RemoveReader(t.fd)
	t.l.RemoveWriter(t.fd)
	unix.Close(t.fd)
	t.out = nil
	if t.proto != nil { // nil if the factory panicked
		t.l.CallSoon(func() { t.proto.ConnectionLost(err) })
	}
}
