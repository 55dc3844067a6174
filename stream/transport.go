//go:build unix

package stream

import (
	"fmt"
	"net"
	"os"

	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

// A Protocol receives a connection's events, as asyncio's Protocol does.
// Its methods run on the loop's goroutine.
type Protocol interface {
	// ConnectionMade is called first, with the connection's transport.
	ConnectionMade(t *Transport)
	// DataReceived is called with what arrived. p is only valid during
	// the call: the buffer is reused.
	DataReceived(p []byte)
	// ConnectionLost is called last, with nil for an orderly close (the
	// peer's or the transport's), or the error that ended the connection.
	ConnectionLost(err error)
}

// A WriteFlowController is a Protocol that wants to hear about its
// transport's write buffer: PauseWriting when it grows past the high-water
// mark, ResumeWriting when it drains below the low-water mark.
type WriteFlowController interface {
	PauseWriting()
	ResumeWriting()
}

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
}

// Serve accepts connections on ln and gives each a Protocol from
// newProtocol, until ln is closed. It returns at once: the loop does the
// work.
func Serve(ln *Listener, newProtocol func() Protocol) error {
	buf := make([]byte, 64<<10)
	return ln.l.AddReader(ln.fd, func() {
		for {
			fd, _, err := accept(ln.fd)
			if err != nil {
				return // EAGAIN: all taken; others (EMFILE): try at the next readiness
			}
			setNoDelay(fd, ln.domain)
			t := &Transport{l: ln.l, fd: fd, proto: newProtocol(), buf: &buf}
			t.proto.ConnectionMade(t)
			if !t.closed {
				t.ResumeReading()
			}
		}
	})
}

// Write sends p, buffering whatever the socket cannot take now; it never
// blocks. Past the high-water mark the protocol is told to pause writing
// (if it is a WriteFlowController).
func (t *Transport) Write(p []byte) error {
	if t.closed || t.closing {
		return fmt.Errorf("stream: transport write: %w", net.ErrClosed)
	}
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
		fc.PauseWriting()
	}
	return nil
}

// write writes what the socket takes now: 0 and no error when it takes
// nothing.
func write(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Write(fd, p)
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
	buf := *t.buf
	for {
		n, err := unix.Read(t.fd, buf)
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
	t.l.RemoveReader(t.fd)
	t.l.RemoveWriter(t.fd)
	unix.Close(t.fd)
	t.out = nil
	t.l.CallSoon(func() { t.proto.ConnectionLost(err) })
}
