package loop

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/evloop/evloop/api"
)

// signals delivers signals on the loop's goroutine. The runtime's
// os/signal feeds a channel that a goroutine drains into the inbox, as
// any other thread-safe post. signalfd would need the signals blocked in
// every thread of the process, which a Go program cannot arrange (the
// runtime makes threads at will, and uses SIGURG itself), so the runtime's
// own handler is the only safe receiver.
//
// Each signal has a channel and a goroutine of its own, so that removing
// one handler (signal.Stop on its channel) never touches the others:
// with one shared channel, Stop followed by Notify for the rest leaves a
// window in which a SIGTERM meets its default action and kills the
// process.
type signals struct {
	handlers map[syscall.Signal]*sigHandler
}

type sigHandler struct {
	fn   func()
	ch   chan os.Signal
	done chan struct{}
	wg   sync.WaitGroup
}

// maxSignal is the highest signal number os/signal delivers.
const maxSignal = 64

// AddSignalHandler runs fn on the loop's goroutine whenever sig arrives,
// replacing a handler already set for sig. Signals that arrive close
// together may be delivered once, as Unix coalesces them. sig must be a
// syscall.Signal from 1 to 64 that can be caught: nil, 0, negative
// numbers, numbers out of range, SIGKILL and SIGSTOP fail with an error
// matching api.ErrSignal.
func (l *Loop) AddSignalHandler(sig os.Signal, fn func()) error {
	if err := l.check(fn); err != nil {
		return fmt.Errorf("loop: add signal handler: %w", err)
	}
	s, err := catchable(sig)
	if err != nil {
		return fmt.Errorf("loop: add signal handler: %w", err)
	}
	if h := l.signals.handlers[s]; h != nil {
		h.fn = fn
		return nil
	}
	if l.signals.handlers == nil {
		l.signals.handlers = map[syscall.Signal]*sigHandler{}
	}
	h := &sigHandler{fn: fn, ch: make(chan os.Signal, 1), done: make(chan struct{})}
	l.signals.handlers[s] = h
	h.wg.Go(func() { h.forward(l) })
	signal.Notify(h.ch, s)
	return nil
}

func catchable(sig os.Signal) (syscall.Signal, error) {
	if sig == nil {
		return 0, fmt.Errorf("nil signal: %w", api.ErrSignal)
	}
	s, ok := sig.(syscall.Signal)
	switch {
	case !ok:
		return 0, fmt.Errorf("signal %v of type %T, not a syscall.Signal: %w", sig, sig, api.ErrSignal)
	case s <= 0 || s > maxSignal:
		return 0, fmt.Errorf("signal %d out of range 1 to %d: %w", int(s), maxSignal, api.ErrSignal)
	case uncatchable(s):
		return 0, fmt.Errorf("%v cannot be caught: %w", s, api.ErrSignal)
	}
	return s, nil
}

// RemoveSignalHandler removes sig's handler and reports whether there was
// one. The signal goes back to its default disposition unless another
// part of the program asked for it; the other handlers are not touched.
func (l *Loop) RemoveSignalHandler(sig os.Signal) (bool, error) {
	if l.closed {
		return false, fmt.Errorf("loop: remove signal handler: %w", api.ErrClosed)
	}
	s, ok := sig.(syscall.Signal)
	h := l.signals.handlers[s]
	if !ok || h == nil {
		return false, nil
	}
	delete(l.signals.handlers, s)
	h.stop()
	return true, nil
}

func (h *sigHandler) forward(l *Loop) {
	for {
		select {
		case <-h.ch:
			// The handler is looked up when the post runs: it may have
			// been replaced or removed meanwhile.
			err := l.inbox.post(func() {
				if !h.stopped() {
					h.fn()
				}
			})
			if errors.Is(err, api.ErrClosed) {
				return
			}
		case <-h.done:
			return
		}
	}
}

func (h *sigHandler) stopped() bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// stop ends the forwarding goroutine and waits for it.
func (h *sigHandler) stop() {
	signal.Stop(h.ch)
	close(h.done)
	h.wg.Wait()
}

// stop removes every handler.
func (s *signals) stop() {
	for sig, h := range s.handlers {
		h.stop()
		delete(s.handlers, sig)
	}
}
