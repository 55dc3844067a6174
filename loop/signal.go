package loop

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"

	"github.com/evloop/evloop/api"
)

// signals delivers signals on the loop's goroutine. The runtime's
// os/signal feeds a channel that one goroutine drains into the inbox, as
// any other thread-safe post. signalfd would need the signals blocked in
// every thread of the process, which a Go program cannot arrange (the
// runtime makes threads at will, and uses SIGURG itself), so the runtime's
// own handler is the only safe receiver.
type signals struct {
	handlers map[os.Signal]func()
	ch       chan os.Signal
	done     chan struct{}
	wg       sync.WaitGroup
}

// AddSignalHandler runs fn on the loop's goroutine whenever sig arrives,
// replacing a handler already set for sig. Signals that arrive close
// together may be delivered once, as Unix coalesces them.
func (l *Loop) AddSignalHandler(sig os.Signal, fn func()) error {
	if err := l.check(fn); err != nil {
		return fmt.Errorf("loop: add signal handler: %w", err)
	}
	if sig == nil {
		return fmt.Errorf("loop: add signal handler: nil signal: %w", api.ErrNilCallback)
	}
	s := &l.signals
	if s.handlers == nil {
		s.handlers = map[os.Signal]func(){}
	}
	if s.ch == nil {
		s.ch = make(chan os.Signal, 16)
		s.done = make(chan struct{})
		ch, done := s.ch, s.done
		s.wg.Go(func() { s.forward(l, ch, done) })
	}
	s.handlers[sig] = fn
	signal.Notify(s.ch, sig)
	return nil
}

// RemoveSignalHandler removes sig's handler and reports whether there was
// one. The signal goes back to its default disposition unless another
// part of the program asked for it. The forwarding goroutine ends with the
// last handler.
func (l *Loop) RemoveSignalHandler(sig os.Signal) (bool, error) {
	if l.closed {
		return false, fmt.Errorf("loop: remove signal handler: %w", api.ErrClosed)
	}
	s := &l.signals
	if _, ok := s.handlers[sig]; !ok {
		return false, nil
	}
	delete(s.handlers, sig)
	signal.Stop(s.ch)
	if len(s.handlers) == 0 {
		s.stop()
		return true, nil
	}
	for other := range s.handlers {
		signal.Notify(s.ch, other)
	}
	return true, nil
}

func (s *signals) forward(l *Loop, ch <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case sig := <-ch:
			err := l.inbox.post(func() {
				if fn := s.handlers[sig]; fn != nil {
					fn()
				}
			})
			if errors.Is(err, api.ErrClosed) {
				return
			}
		case <-done:
			return
		}
	}
}

// stop ends the forwarding goroutine and waits for it.
func (s *signals) stop() {
	if s.ch == nil {
		return
	}
	signal.Stop(s.ch)
	close(s.done)
	s.wg.Wait()
	s.ch, s.done = nil, nil
}
