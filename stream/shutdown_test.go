//go:build unix

package stream_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/evloop/evloop/internal/fdtest"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

// graceful is a Protocol that closes its connection when told of a
// shutdown if polite, and records how its connection ended.
type graceful struct {
	polite bool
	t      *stream.Transport
	lost   *[]error
}

func (g *graceful) ConnectionMade(t *stream.Transport) { g.t = t }
func (g *graceful) DataReceived([]byte)                {}
func (g *graceful) ConnectionLost(err error)           { *g.lost = append(*g.lost, err) }
func (g *graceful) ShutdownStarted() {
	if g.polite {
		g.t.Close()
	}
}

// rude is a Protocol that ignores shutdowns.
type rude struct{ graceful }

func (*rude) ShutdownStarted() {}

// Shutdown with callbacks: a protocol that hears of it closes, one whose
// client closes finishes by itself, and one left open when the context
// ends is closed and counted; the listener refuses new connections.
func TestShutdownCallbacks(t *testing.T) {
	l := newLoop(t)
	before := fdtest.Open(t)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var lost []error
	made := 0
	err = stream.Serve(ln, func() stream.Protocol {
		made++
		if made == 1 {
			return &graceful{polite: true, lost: &lost}
		}
		return &rude{graceful{lost: &lost}}
	})
	if err != nil {
		t.Fatal(err)
	}
	var clients []*stream.Conn
	dialer := spawn(t, l, func(co *task.Co) (int, error) {
		for range 3 {
			c, err := stream.Dial(co, "tcp", ln.Addr().String())
			if err != nil {
				return 0, err
			}
			clients = append(clients, c)
		}
		for made < 3 {
			co.Yield()
		}
		return 0, nil
	})
	runUntil(t, l, dialer.Done)
	if _, err := dialer.Result(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := ln.Shutdown(ctx)
	if again := ln.Shutdown(ctx); again != f {
		t.Error("Shutdown twice returned two futures; want the same")
	}
	// The polite one is closed: its client reads the end of the stream.
	// The second client closes by itself; the third stays.
	ended := spawn(t, l, func(co *task.Co) (int, error) {
		if _, err := clients[0].Read(co, make([]byte, 1)); err == nil {
			return 0, errors.New("read from a connection closed by shutdown returned data")
		}
		clients[1].Close()
		for len(lost) < 2 {
			co.Yield()
		}
		return 0, nil
	})
	runUntil(t, l, ended.Done)
	if _, err := ended.Result(); err != nil {
		t.Fatal(err)
	}
	if f.Done() {
		t.Fatal("shutdown done while a connection is still open")
	}
	refused := spawn(t, l, func(co *task.Co) (*stream.Conn, error) { return stream.Dial(co, "tcp", ln.Addr().String()) })
	runUntil(t, l, refused.Done)
	if _, err := refused.Result(); !errors.Is(err, unix.ECONNREFUSED) {
		t.Errorf("Dial during a shutdown = %v; want ECONNREFUSED", err)
	}
	cancel()
	runUntil(t, l, f.Done)
	if cut, err := f.Result(); cut != 1 || err != nil {
		t.Errorf("Shutdown(...) = %d, %v; want 1 connection cut", cut, err)
	}
	runUntil(t, l, func() bool { return len(lost) == 3 })
	if lost[0] != nil || lost[1] != nil {
		t.Errorf("ConnectionLost of the connections that finished = %v, %v; want nil, nil", lost[0], lost[1])
	}
	if !errors.Is(lost[2], context.Canceled) || !errors.Is(lost[2], net.ErrClosed) {
		t.Errorf("ConnectionLost of the connection cut = %v; want context.Canceled and net.ErrClosed", lost[2])
	}
	for _, c := range clients {
		c.Close()
	}
	if got := fdtest.AtMost(t, before); got > before { // descriptors of earlier tests may close meanwhile
		t.Errorf("descriptors open = %d; want at most %d", got, before)
	}
}

// Shutdown with tasks: Accept returns net.ErrClosed, a connection whose
// OnShutdown hook closes it ends at once, and a task suspended on one
// that is cut wakes with the context's error.
func TestShutdownTasks(t *testing.T) {
	l := newLoop(t)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var acceptErr error
	var readErrs []error
	served := 0
	acceptor := spawn(t, l, func(co *task.Co) (int, error) {
		for {
			c, err := ln.Accept(co)
			if err != nil {
				acceptErr = err
				return 0, nil
			}
			served++
			if served == 1 {
				c.OnShutdown(func() { c.Close() })
			}
			spawn(t, l, func(co *task.Co) (int, error) {
				_, err := c.Read(co, make([]byte, 1))
				readErrs = append(readErrs, err)
				return 0, nil
			})
		}
	})
	var clients []*stream.Conn
	dialer := spawn(t, l, func(co *task.Co) (int, error) {
		for range 2 {
			c, err := stream.Dial(co, "tcp", ln.Addr().String())
			if err != nil {
				return 0, err
			}
			clients = append(clients, c)
		}
		for served < 2 {
			co.Yield()
		}
		co.Yield() // the readers are suspended now
		return 0, nil
	})
	runUntil(t, l, dialer.Done)
	ctx, cancel := context.WithCancel(context.Background())
	f := ln.Shutdown(ctx)
	runUntil(t, l, func() bool { return acceptor.Done() && len(readErrs) == 1 })
	if !errors.Is(acceptErr, net.ErrClosed) {
		t.Errorf("Accept during shutdown = %v; want net.ErrClosed", acceptErr)
	}
	if !errors.Is(readErrs[0], net.ErrClosed) || errors.Is(readErrs[0], context.Canceled) {
		t.Errorf("Read on the connection its hook closed = %v; want net.ErrClosed alone", readErrs[0])
	}
	cancel()
	runUntil(t, l, func() bool { return f.Done() && len(readErrs) == 2 })
	if cut, _ := f.Result(); cut != 1 {
		t.Errorf("connections cut = %d; want 1", cut)
	}
	if !errors.Is(readErrs[1], context.Canceled) {
		t.Errorf("Read on the connection cut = %v; want context.Canceled", readErrs[1])
	}
	for _, c := range clients {
		c.Close()
	}
}

// With nothing open, the shutdown is over at once.
func TestShutdownIdle(t *testing.T) {
	l := newLoop(t)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := ln.Shutdown(context.Background())
	if cut, err := f.Result(); cut != 0 || err != nil {
		t.Errorf("Shutdown with no connections = %d, %v; want 0, nil at once", cut, err)
	}

	// One connection, which finishes before the context ends: 0 cut.
	ln, err = stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tk := spawn(t, l, func(co *task.Co) (int, error) {
		acc := spawn(t, l, func(co *task.Co) (*stream.Conn, error) { return ln.Accept(co) })
		d, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return 0, err
		}
		defer d.Close()
		c, err := task.Await(co, acc)
		if err != nil {
			return 0, err
		}
		f := ln.Shutdown(context.Background()) // never done
		co.Yield()
		if f.Done() {
			return 0, errors.New("shutdown done with a connection open")
		}
		c.Close()
		return task.Await(co, f)
	})
	runUntil(t, l, tk.Done)
	if cut, err := tk.Result(); cut != 0 || err != nil {
		t.Errorf("Shutdown once the last connection closed = %d, %v; want 0, nil", cut, err)
	}
}
