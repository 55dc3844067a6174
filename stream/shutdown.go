//go:build unix

package stream

import (
	"context"
	"fmt"
	"net"

	"github.com/evloop/evloop/task"
)

// A member is a connection a listener accepted, open until it closes.
type member interface {
	shutdownStarted()
	cut(err error)
}

// Shutdown shuts the listener down gracefully, as http.Server.Shutdown
// does: it stops accepting at once (a task in Accept returns net.ErrClosed,
// and new connections are refused), tells the open connections it
// accepted (a Protocol that is a ShutdownNotifier, a Conn's OnShutdown
// hook) and lets them finish; when ctx is done first, it closes those
// still open (a Protocol's ConnectionLost and a task suspended on a Conn
// get an error matching both net.ErrClosed and ctx's error). The future resolves, on the loop, with
// the number of connections it had to close: 0 if all finished in time.
// Calling Shutdown again returns the same future. Call it on the loop's
// goroutine.
func (ln *Listener) Shutdown(ctx context.Context) *task.Future[int] {
	if ln.shutdown != nil {
		return ln.shutdown
	}
	f := task.NewFuture[int](ln.l)
	ln.shutdown = f
	if !ln.closed {
		ln.Close()
	}
	for m := range ln.members {
		m.shutdownStarted()
	}
	if len(ln.members) == 0 {
		f.SetResult(0)
		return f
	}
	cut := func() {
		if f.Done() {
			return
		}
		members := ln.members
		ln.members, ln.drained = nil, nil
		err := fmt.Errorf("stream: closed by shutdown: %w: %w", net.ErrClosed, context.Cause(ctx))
		for m := range members {
			m.cut(err)
		}
		f.SetResult(len(members))
	}
	if ctx.Err() != nil {
		cut()
		return f
	}
	stop := context.AfterFunc(ctx, func() { ln.l.CallSoonThreadsafe(cut) })
	unhook, _ := ln.l.OnClose(func() { stop() })
	ln.drained = func() {
		stop()
		if unhook != nil {
			unhook()
		}
		f.SetResult(0)
	}
	return f
}

// join records a connection the listener accepted.
func (ln *Listener) join(m member) {
	if ln.members == nil {
		ln.members = make(map[member]struct{})
	}
	ln.members[m] = struct{}{}
}

// leave forgets a connection that closed; the last one to close during a
// shutdown ends it.
func (ln *Listener) leave(m member) {
	if ln == nil {
		return
	}
	if _, ok := ln.members[m]; !ok {
		return
	}
	delete(ln.members, m)
	if len(ln.members) == 0 && ln.drained != nil {
		d := ln.drained
		ln.drained = nil
		d()
	}
}

func (t *Transport) shutdownStarted() {
	if n, ok := t.proto.(ShutdownNotifier); ok && !t.closed {
		defer t.guard()
		n.ShutdownStarted()
	}
}

func (t *Transport) cut(err error) { t.finish(err) }

// OnShutdown sets a function to call when the listener that accepted c
// begins a graceful shutdown (Listener.Shutdown), so that the task
// serving c can end it early: close it at once if it is idle, or after
// the reply in progress. It runs on the loop's goroutine.
func (c *Conn) OnShutdown(fn func()) { c.onShutdown = fn }

func (c *Conn) shutdownStarted() {
	if c.onShutdown != nil && !c.closed {
		c.onShutdown()
	}
}

func (c *Conn) cut(err error) {
	c.closeErr = err
	c.Close()
}
