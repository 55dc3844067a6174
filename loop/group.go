package loop

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sync"

	"github.com/evloop/evloop/api"
)

// A Group is N loops, one per core by default, each run by a goroutine of
// its own locked to an OS thread: libuv's loop per thread, gnet's
// multi-core model. The loops share nothing; a server spreads its
// connections over them (package stream's ListenGroup gives each loop a
// listener of its own), and CallSoonThreadsafe reaches any of them.
//
// Everything that runs on a loop of the group, from setting it up to
// closing it, runs on that loop's goroutine: Start calls setup there, and
// each goroutine closes its own loop when the loop stops. This matters for
// tasks, whose coroutines must be made and run on the same (locked)
// thread.
type Group struct {
	loops []*Loop
	wg    sync.WaitGroup
	mu    sync.Mutex
	errs  []error
	state int // 0: made; 1: started; 2: done
}

// NewGroup makes n loops (n <= 0: GOMAXPROCS) with opts, whose Selector
// and Timers must be nil (each loop needs its own: they are chosen as New
// chooses them, honouring EVLOOP_BACKEND and EVLOOP_TIMERS); otherwise it
// fails with an error matching fs.ErrInvalid.
func NewGroup(n int, opts *Options) (*Group, error) {
	if opts != nil && (opts.Selector != nil || opts.Timers != nil) {
		return nil, fmt.Errorf("loop: new group: options with a Selector or Timers would be shared by the loops: %w", fs.ErrInvalid)
	}
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	g := &Group{loops: make([]*Loop, n)}
	for i := range g.loops {
		l, err := New(opts)
		if err != nil {
			for _, l := range g.loops[:i] {
				l.Close()
			}
			return nil, err
		}
		g.loops[i] = l
	}
	return g, nil
}

// Len returns the number of loops.
func (g *Group) Len() int { return len(g.loops) }

// Loop returns loop i.
func (g *Group) Loop(i int) *Loop { return g.loops[i] }

// Start runs each loop on a goroutine of its own, locked to its OS
// thread: setup(i, l) first, there, then the loop until it is stopped
// (Stop, or l.Stop from a callback on it), and then the goroutine closes
// the loop. Start returns once every setup has run: their errors joined,
// in which case every loop is stopped (Wait then returns). A nil setup
// runs the loops as they are. Start works once; again, it fails with an
// error matching api.ErrRunning.
func (g *Group) Start(setup func(i int, l *Loop) error) error {
	g.mu.Lock()
	if g.state != 0 {
		g.mu.Unlock()
		return fmt.Errorf("loop: group start: %w", api.ErrRunning)
	}
	g.state = 1
	g.mu.Unlock()
	setupErrs := make([]error, len(g.loops))
	var ready sync.WaitGroup
	ready.Add(len(g.loops))
	g.wg.Add(len(g.loops))
	for i, l := range g.loops {
		go func() {
			defer g.wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			if setup != nil {
				setupErrs[i] = g.call(i, l, setup)
			}
			ready.Done()
			if setupErrs[i] == nil {
				g.record(l.Run())
			}
			g.record(l.Close())
		}()
	}
	ready.Wait()
	if err := errors.Join(setupErrs...); err != nil {
		g.Stop()
		return err
	}
	return nil
}

// call runs setup, turning a panic into an error.
func (g *Group) call(i int, l *Loop, setup func(int, *Loop) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("loop: group setup of loop %d panicked: %v", i, p)
		}
	}()
	if err := setup(i, l); err != nil {
		return fmt.Errorf("loop: group setup of loop %d: %w", i, err)
	}
	return nil
}

func (g *Group) record(err error) {
	if err != nil {
		g.mu.Lock()
		g.errs = append(g.errs, err)
		g.mu.Unlock()
	}
}

// Stop asks every loop to stop; each goroutine then closes its loop.
// Safe from any goroutine, and more than once.
func (g *Group) Stop() {
	for _, l := range g.loops {
		l.CallSoonThreadsafe(l.Stop) // fails only once l is closed: nothing to stop
	}
}

// Wait waits until every loop has stopped and been closed, and returns
// the errors of their runs and closes, joined.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.state = 2
	return errors.Join(g.errs...)
}

// Close stops the loops and waits for them (Stop and Wait); on a group
// never started, it closes the loops.
func (g *Group) Close() error {
	g.mu.Lock()
	started := g.state != 0
	g.state = 2
	g.mu.Unlock()
	if !started {
		var errs []error
		for _, l := range g.loops {
			errs = append(errs, l.Close())
		}
		return errors.Join(errs...)
	}
	g.Stop()
	return g.Wait()
}
