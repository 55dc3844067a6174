//go:build unix

package datagram_test

import (
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/evloop/evloop/datagram"
	"github.com/evloop/evloop/internal/fdtest"
	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

// echoProto sends every datagram back to its sender and records what
// happens to it.
type echoProto struct {
	t       *datagram.Transport
	got     int
	errs    []error
	lost    []error
	panicAt int
}

func (e *echoProto) ConnectionMade(t *datagram.Transport) { e.t = t }
func (e *echoProto) DatagramReceived(p []byte, from netip.AddrPort) {
	if e.got++; e.got == e.panicAt {
		panic("boom")
	}
	e.t.SendTo(p, from)
}
func (e *echoProto) ErrorReceived(err error)  { e.errs = append(e.errs, err) }
func (e *echoProto) ConnectionLost(err error) { e.lost = append(e.lost, err) }

func serve(t *testing.T, l *loop.Loop, c *datagram.Conn, p datagram.Protocol) *datagram.Transport {
	t.Helper()
	tr, err := datagram.Serve(c, p)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func runUntil(t *testing.T, l *loop.Loop, done func() bool) {
	t.Helper()
	for !done() {
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
}

// A Protocol echoes datagrams to a client from package net; Close ends it
// with ConnectionLost(nil) and closes the socket.
func TestServeEcho(t *testing.T) {
	l := newLoop(t)
	before := fdtest.Open(t)
	c, err := datagram.Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &echoProto{}
	tr := serve(t, l, c, p)
	// The client tells the loop it is done through the loop itself: a
	// loop blocked in its selector does not look at channels.
	var result error
	finished := false
	report := func(err error) {
		l.CallSoonThreadsafe(func() { result, finished = err, true })
	}
	go func() {
		cli, err := net.Dial("udp", c.LocalAddr().String())
		if err != nil {
			report(err)
			return
		}
		// Closed before the report, so that the descriptor count below
		// does not race with it.
		report(func() error {
			defer cli.Close()
			for _, msg := range []string{"a", "bb", "ccc"} {
				cli.Write([]byte(msg))
				buf := make([]byte, 10)
				n, err := cli.Read(buf)
				if err != nil || string(buf[:n]) != msg {
					return errors.New("echo of " + msg + " = " + string(buf[:n]))
				}
			}
			return nil
		}())
	}()
	runUntil(t, l, func() bool { return finished })
	if result != nil {
		t.Fatal(result)
	}
	if _, err := datagram.Serve(c, &echoProto{}); err == nil {
		t.Error("Serve of a conn already served = nil error")
	}
	tr.Close()
	runUntil(t, l, func() bool { return len(p.lost) == 1 })
	if p.lost[0] != nil {
		t.Errorf("ConnectionLost after Close = %v; want nil", p.lost[0])
	}
	if got := fdtest.AtMost(t, before); got > before { // descriptors of earlier tests may close meanwhile
		t.Errorf("descriptors open = %d; want at most %d", got, before)
	}
}

// The refusal of a datagram sent on a connected socket reaches
// ErrorReceived, and the socket goes on.
func TestErrorReceived(t *testing.T) {
	l := newLoop(t)
	gone, err := datagram.Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := gone.LocalAddr().String()
	gone.Close()
	c, err := datagram.Dial(l, "udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p := &echoProto{}
	tr := serve(t, l, c, p)
	defer tr.Close()
	if err := tr.Send([]byte("anyone?")); err != nil {
		t.Fatal(err)
	}
	runUntil(t, l, func() bool { return len(p.errs) > 0 })
	if !errors.Is(p.errs[0], unix.ECONNREFUSED) {
		t.Errorf("ErrorReceived(%v); want ECONNREFUSED", p.errs[0])
	}
	if len(p.lost) != 0 {
		t.Errorf("ConnectionLost(%v) after a refusal; want the socket to go on", p.lost[0])
	}
}

// A Protocol that panics loses its socket: ConnectionLost gets a
// *PanicError and the panic reaches the exception handler.
func TestProtocolPanics(t *testing.T) {
	l := newLoop(t)
	var reported []*loop.Exception
	l.SetExceptionHandler(func(e *loop.Exception) { reported = append(reported, e) })
	c, err := datagram.Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &echoProto{panicAt: 1}
	serve(t, l, c, p)
	cli, err := net.Dial("udp", c.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	cli.Write([]byte("x"))
	runUntil(t, l, func() bool { return len(p.lost) == 1 })
	if _, ok := errors.AsType[*datagram.PanicError](p.lost[0]); !ok {
		t.Errorf("ConnectionLost(%v); want a *datagram.PanicError", p.lost[0])
	}
	if len(reported) != 1 {
		t.Errorf("exceptions reported = %d; want 1", len(reported))
	}
}
