//go:build unix

package stream

import (
	"context"
	"fmt"

	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

// ListenGroup opens a listener on address for each loop of g, for a
// server that spreads its connections over the loops: serve (or accept
// on) listener i from loop i, in the setup that g.Start runs there.
//
// On Linux each is a socket of its own, bound to the same address with
// SO_REUSEPORT, and the kernel spreads new connections over them. Where
// SO_REUSEPORT does not spread them (macOS and the BSDs give every
// connection to one socket), the first listener accepts for all and hands
// the connections to the loops in turn, through CallSoonThreadsafe; the
// others have no socket of their own (Fd is -1). Port 0 picks one free
// port for all. Each listener closes and shuts down on its own loop.
func ListenGroup(g *loop.Group, network, address string) ([]*Listener, error) {
	if g == nil || g.Len() == 0 {
		return nil, fmt.Errorf("stream: listen group %s %s: no loops", network, address)
	}
	spread := spreadByKernel && network != "unix"
	first, err := listen(g.Loop(0), network, address, spread)
	if err != nil {
		return nil, err
	}
	lns := []*Listener{first}
	fail := func(err error) ([]*Listener, error) {
		for _, ln := range lns {
			ln.Close()
		}
		return nil, err
	}
	for i := 1; i < g.Len(); i++ {
		if !spread {
			lns = append(lns, &Listener{l: g.Loop(i), fd: -1, domain: first.domain, addr: first.addr})
			continue
		}
		ln, err := listen(g.Loop(i), network, first.addr.String(), true)
		if err != nil {
			return fail(err)
		}
		lns = append(lns, ln)
	}
	if !spread && len(lns) > 1 {
		first.peers = lns
	}
	return lns, nil
}

// handOff gives a connection the first listener accepted to the next
// listener in turn, and reports whether it went elsewhere.
func (ln *Listener) handOff(fd int, sa unix.Sockaddr) bool {
	if ln.peers == nil {
		return false
	}
	to := ln.peers[ln.turn]
	ln.turn = (ln.turn + 1) % len(ln.peers)
	if to == ln {
		return false
	}
	if err := to.l.CallSoonThreadsafe(func() { to.deliver(fd, sa) }); err != nil {
		// That loop is closed: the connection is lost, and said so.
		unix.Close(fd)
		ln.l.CallExceptionHandler(&loop.Exception{
			Message: fmt.Sprintf("stream: a connection accepted on %v could not be handed to its loop, and was closed", ln.addr),
			Err:     fmt.Errorf("stream: hand-off: %w", err),
		})
	}
	return true
}

// deliver, on the listener's own loop, takes a connection handed over.
func (ln *Listener) deliver(fd int, sa unix.Sockaddr) {
	switch {
	case ln.closed:
		unix.Close(fd)
	case ln.srv != nil:
		ln.srv.start(fd, sa)
	default:
		ln.pending = append(ln.pending, handed{fd, sa})
		if ln.acceptor != nil {
			ln.acceptor.Interrupt(nil)
		}
	}
}

// A handed connection waits in a listener's queue for Accept.
type handed struct {
	fd int
	sa unix.Sockaddr
}

// takeHanded returns the oldest connection handed over, if any.
func (ln *Listener) takeHanded() (*Conn, bool) {
	if len(ln.pending) == 0 {
		return nil, false
	}
	h := ln.pending[0]
	ln.pending = ln.pending[1:]
	c := newConn(ln.l, h.fd)
	c.remote, c.ln = h.sa, ln
	ln.join(c)
	return c, true
}

// closeHanded closes the connections handed over and never accepted.
func (ln *Listener) closeHanded() {
	for _, h := range ln.pending {
		unix.Close(h.fd)
	}
	ln.pending = nil
}

// ShutdownGroup shuts a group's listeners down gracefully, each on its own
// loop (Listener.Shutdown with ctx), waits until all are done, then stops
// the loops and waits for them (g.Stop, g.Wait). It returns how many
// connections were cut in all, and the loops' errors. Call it from
// outside the group's loops, once they run (g.Start).
func ShutdownGroup(ctx context.Context, g *loop.Group, lns []*Listener) (int, error) {
	cuts := make(chan int, len(lns))
	for _, ln := range lns {
		err := ln.l.CallSoonThreadsafe(func() {
			f := ln.Shutdown(ctx)
			f.AddDoneCallback(func() {
				n, _ := f.Result()
				cuts <- n
			})
		})
		if err != nil { // that loop is closed already
			cuts <- 0
		}
	}
	cut := 0
	for range lns {
		cut += <-cuts
	}
	g.Stop()
	return cut, g.Wait()
}
