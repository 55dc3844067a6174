package loop

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends"
	"github.com/evloop/evloop/internal/wakeup"
	"github.com/evloop/evloop/timers"
)

// Options configures a loop; nil, or a zero field, means the default.
type Options struct {
	// Selector is the readiness backend; the loop owns it and closes it.
	// Default: backends.NewDefault(), which honours EVLOOP_BACKEND.
	Selector api.Selector
	// Timers is the timer queue. Default: timers.NewDefault(), which
	// honours EVLOOP_TIMERS.
	Timers api.TimerQueue
	// Clock is the loop's clock. Default: api.MonotonicClock(). A
	// *VirtualClock makes the loop jump to the next deadline instead of
	// sleeping.
	Clock api.Clock
	// TimerSlack lets a timer fire up to this much after its deadline so
	// that timers due close together share one wake-up; never before.
	// Zero means DefaultTimerSlack; NoTimerSlack (any negative value)
	// means none.
	TimerSlack time.Duration
	// SlowCallback, if positive, logs a warning for every callback that
	// runs longer (asyncio's slow_callback_duration, a debugging aid: it
	// reads the clock twice per callback).
	SlowCallback time.Duration
	// Logger receives the default exception handler's reports and the
	// slow-callback warnings. Default: slog.Default().
	Logger *slog.Logger
}

// NoTimerSlack, as Options.TimerSlack, fires every timer at the first
// wake-up at or after its deadline.
const NoTimerSlack time.Duration = -1

// DefaultTimerSlack is the timer slack when Options.TimerSlack is zero:
// Linux's default timer slack for a process. In W2b (a thousand timers due
// over 100 ms), it cut the loop's CPU per fired timer by about 10% on all
// three queues, at a cost of 50 to 110 µs in p99 lateness; with a hundred
// thousand timers the loop is never idle and the difference was noise.
// Latency-critical programs set NoTimerSlack.
const DefaultTimerSlack = 50 * time.Microsecond

// Loop is an event loop in the manner of asyncio's: callbacks, timers and
// descriptor readiness, run on one goroutine. Every method but
// CallSoonThreadsafe must be called from the goroutine running the loop
// (or, before Run, from the one that made it); Close must not be called
// while Run is running.
type Loop struct {
	sel    api.Selector
	timers api.TimerQueue
	clock  api.Clock
	jump   jumper // non-nil for a virtual clock
	slack  int64
	slow   time.Duration
	log    *slog.Logger

	ready  ring
	pool   timerPool
	fire   func(*api.Timer) // l.due, bound once so Expire does not allocate
	events []api.Event

	fds     []fdRecord // indexed by descriptor
	userFds int        // descriptors registered for callbacks

	wake     *wakeup.Waker
	inbox    inbox
	signals  signals
	handler  func(*Exception)
	current  func() // the callback running, for exception reports
	stopping bool
	running  atomic.Bool
	closing  bool // Close has begun: no Run, no second Close
	closed   bool
	onClose  map[uint64]func()
	hookID   uint64
	metrics  Metrics
	trimmed  int64 // when the loop last gave back memory, on its clock
	// Time's cache: the clock as read in this iteration (if cacheOK);
	// inIter is true while an iteration runs.
	cached          int64
	cacheOK, inIter bool
}

// jumper is the clock a loop can move to the next deadline instead of
// sleeping.
type jumper interface {
	api.Clock
	jumpTo(t int64)
}

// New makes a loop. With nil options it uses the platform's default
// backend and timer queue, honouring EVLOOP_BACKEND and EVLOOP_TIMERS.
func New(opts *Options) (*Loop, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	startRuntimePoller()
	l := &Loop{
		sel:    o.Selector,
		timers: o.Timers,
		clock:  o.Clock,
		slow:   o.SlowCallback,
		log:    o.Logger,
		ready:  newRing(),
		events: make([]api.Event, 0, 256),
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	switch {
	case o.TimerSlack == 0:
		l.slack = int64(DefaultTimerSlack)
	case o.TimerSlack > 0:
		l.slack = int64(o.TimerSlack)
	}
	if l.clock == nil {
		l.clock = api.MonotonicClock()
	}
	l.jump, _ = l.clock.(jumper)
	l.trimmed = l.clock.Now()
	if l.timers == nil {
		q, err := timers.NewDefault()
		if err != nil {
			return nil, fmt.Errorf("loop: %w", err)
		}
		l.timers = q
	}
	if l.sel == nil {
		s, err := backends.NewDefault()
		if err != nil {
			return nil, fmt.Errorf("loop: %w", err)
		}
		l.sel = s
	}
	w, err := wakeup.New()
	if err != nil {
		l.sel.Close()
		return nil, fmt.Errorf("loop: %w", err)
	}
	if err := l.sel.Register(w.Fd(), api.Readable); err != nil {
		w.Close()
		l.sel.Close()
		return nil, fmt.Errorf("loop: registering the wake-up descriptor: %w", err)
	}
	l.wake = w
	l.inbox.wake = w
	l.fire = l.due
	l.handler = l.defaultHandler
	return l, nil
}

// Backend returns the name of the readiness backend the loop runs on.
func (l *Loop) Backend() string { return l.sel.Name() }

// TimerQueue returns the name of the loop's timer queue.
func (l *Loop) TimerQueue() string {
	if n, ok := l.timers.(interface{ Name() string }); ok {
		return n.Name()
	}
	return fmt.Sprintf("%T", l.timers)
}

// Now returns the time on the loop's clock, in nanoseconds: the scale of
// CallAt's deadlines.
func (l *Loop) Now() int64 { return l.clock.Now() }

// Time returns the loop's time for the current iteration: the clock as
// the loop read it to run this iteration's timers, or, in an iteration
// that had none, as read by the first call to Time. It is libev's ev_now
// and libuv's uv_now: a callback that timestamps many events (the last
// activity of a connection, a latency sample) pays one clock read per
// iteration instead of one per call. It lags Now by at most the time the
// iteration has run so far, and in a timer's callback it is never before
// that timer's deadline. Call it from the loop's goroutine only.
func (l *Loop) Time() int64 {
	if l.cacheOK {
		return l.cached
	}
	now := l.clock.Now()
	if l.inIter {
		l.cached, l.cacheOK = now, true
	}
	return now
}

// Stop makes Run return after the current iteration. Called before Run,
// it makes the next Run do one iteration and return. From another
// goroutine, post it: l.CallSoonThreadsafe(l.Stop).
func (l *Loop) Stop() { l.stopping = true }

// Run runs the loop until Stop. It returns nil after a Stop, an error
// matching api.ErrClosed after Close, api.ErrRunning if the loop is
// already running, or the selector's error if a wait fails.
func (l *Loop) Run() error {
	if err := l.enter("run"); err != nil {
		return err
	}
	defer l.running.Store(false)
	for {
		if err := l.runOnce(); err != nil {
			return err
		}
		if l.stopping {
			l.stopping = false
			return nil
		}
	}
}

// RunOnce runs one iteration: it waits for the first of a descriptor, a
// deadline or a posted callback (not at all if callbacks are ready), then
// runs what was ready when the wait ended.
func (l *Loop) RunOnce() error {
	if err := l.enter("run once"); err != nil {
		return err
	}
	defer l.running.Store(false)
	return l.runOnce()
}

func (l *Loop) enter(what string) error {
	if l.closed || l.closing {
		return fmt.Errorf("loop: %s: %w", what, api.ErrClosed)
	}
	if !l.running.CompareAndSwap(false, true) {
		return fmt.Errorf("loop: %s: %w", what, api.ErrRunning)
	}
	return nil
}

// runOnce is asyncio's _run_once.
func (l *Loop) runOnce() error {
	l.metrics.Iterations++
	l.inIter = true
	defer l.endIteration()
	timeout, deadline := l.timeout()
	jump := false
	if l.jump != nil && timeout > 0 {
		timeout, jump = 0, true // virtual time: look, then jump instead of sleeping
	}
	// With nothing to wait for and nothing but the wake-up descriptor to
	// look at, skip the system call: posts are found in the inbox anyway.
	if timeout != 0 || l.userFds > 0 {
		var waited time.Duration
		if timeout != 0 {
			waited = time.Since(metricsOrigin)
		}
		events, err := l.sel.Select(l.events[:0], timeout)
		if timeout != 0 {
			l.metrics.Idle += time.Since(metricsOrigin) - waited
		}
		if err != nil {
			return fmt.Errorf("loop: %w", err)
		}
		l.metrics.Events += uint64(len(events))
		l.dispatch(events)
	}
	posted := l.inbox.take()
	if jump && l.ready.len() == 0 && len(posted) == 0 {
		l.jump.jumpTo(deadline)
	}
	// The clock is read only when something needs it: due timers, or a
	// look at what a burst left behind every trimCheck iterations. A
	// chain of callbacks with no timers pending reads it in none.
	var now int64
	clocked := l.timers.Len() > 0 || l.metrics.Iterations%trimCheck == 0
	if clocked {
		now = l.clock.Now()
		l.cached, l.cacheOK = now, true
		if l.timers.Len() > 0 {
			l.timers.Expire(now, l.fire)
		}
	}
	l.runReady(l.ready.len())
	l.runPosted(posted)
	if clocked && now > l.trimmed && satSub(now, l.trimmed) >= int64(trimPeriod) {
		l.trimmed = now
		l.pool.trim()
		l.ready.trim()
		if t, ok := l.timers.(api.Trimmer); ok {
			t.Trim()
		}
	}
	return nil
}

func (l *Loop) endIteration() { l.inIter, l.cacheOK = false, false }

// trimCheck is how many iterations may pass without a clock read; one
// with timers pending reads it anyway.
const trimCheck = 256

// trimPeriod is how often, on the loop's clock, the loop looks at what a
// burst left behind (timer records, the ready queue's buffer) and gives
// back what went unused since the last look. It is long next to a round of
// work (W2b's rounds last 100 ms), so that a load that comes back keeps
// its memory, and short next to the life of a server.
const trimPeriod = 2 * time.Second

// timeout computes the wait: none if callbacks are ready or the loop is
// stopping, until the next deadline plus the slack if there is one, else
// without limit. It also returns the next deadline. The arithmetic
// saturates: a deadline at either end of int64 is a deadline, not an
// overflow, and math.MaxInt64 (the end of the clock) is never reached.
func (l *Loop) timeout() (time.Duration, int64) {
	if l.ready.len() > 0 || l.stopping || l.inbox.posted.Load() {
		return 0, 0
	}
	d, ok := l.timers.NextDeadline()
	if !ok || d == math.MaxInt64 {
		return -1, 0
	}
	now := l.clock.Now()
	if d <= now {
		return 0, d
	}
	return time.Duration(satAdd(satSub(d, now), l.slack)), d
}

// satAdd returns a+b for b >= 0, or math.MaxInt64 if that overflows.
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// satSub returns a-b for a > b, or math.MaxInt64 if that overflows.
func satSub(a, b int64) int64 {
	if b < 0 && a > math.MaxInt64+b {
		return math.MaxInt64
	}
	return a - b
}

// due moves a fired timer to the ready queue.
func (l *Loop) due(n *api.Timer) {
	t := n.Value.(*timer)
	t.ready = l.ready.push(t.fn, t)
}

// CallSoon schedules fn to run in the next iteration, after the callbacks
// already scheduled (FIFO), those posted with CallSoonThreadsafe before
// this call included. A callback scheduled while the loop runs callbacks
// runs in the following iteration, never the current one, so a callback
// that schedules itself cannot starve descriptors and timers.
func (l *Loop) CallSoon(fn func()) (Handle, error) {
	if err := l.check(fn); err != nil {
		return Handle{}, fmt.Errorf("loop: call soon: %w", err)
	}
	if l.inbox.posted.Load() {
		l.inbox.moveTo(&l.ready) // earlier posts go first: one FIFO, as asyncio's
	}
	return Handle{l: l, seq: l.ready.push(fn, nil)}, nil
}

// CallLater schedules fn to run d from now on the loop's clock; never
// earlier. A negative d is taken as zero; a d past the end of the clock
// never fires.
func (l *Loop) CallLater(d time.Duration, fn func()) (Handle, error) {
	return l.CallAt(satAdd(l.clock.Now(), int64(max(d, 0))), fn)
}

// CallAt schedules fn to run at when (nanoseconds on the loop's clock, as
// Now returns); never earlier. Callbacks due at the same time run in the
// order they were scheduled. Any int64 is a valid deadline: one in the
// past runs in the next iteration, and math.MaxInt64 never comes.
func (l *Loop) CallAt(when int64, fn func()) (Handle, error) {
	if err := l.check(fn); err != nil {
		return Handle{}, fmt.Errorf("loop: call at: %w", err)
	}
	t := l.pool.get()
	t.fn = fn
	t.node.Deadline = when
	if err := l.timers.Push(&t.node); err != nil {
		l.pool.put(t)
		return Handle{}, fmt.Errorf("loop: call at: %w", err)
	}
	return Handle{l: l, t: t, seq: t.gen}, nil
}

func (l *Loop) check(fn func()) error {
	if l.closed {
		return api.ErrClosed
	}
	if fn == nil {
		return api.ErrNilCallback
	}
	return nil
}

// Close releases everything the loop opened: the selector (given in
// Options or not), the wake-up descriptor and the signal goroutines.
//
// What Close does with pending work: every callback whose
// CallSoonThreadsafe returned nil runs, on the goroutine calling Close and
// before anything is released, so a goroutine that posted work and waits
// for it is never left waiting (posts made once Close has begun fail with
// api.ErrClosed). Then the OnClose hooks run. Callbacks scheduled on the
// loop's own goroutine (CallSoon, CallLater, CallAt, readers and writers)
// are dropped, as asyncio drops them: the goroutine that scheduled them is
// the one closing the loop.
//
// Close does not close descriptors registered with AddReader or
// AddWriter, which are the caller's. It fails with api.ErrRunning while
// Run is running, and with api.ErrClosed the second time.
func (l *Loop) Close() error {
	if l.closed || l.closing {
		return fmt.Errorf("loop: close: %w", api.ErrClosed)
	}
	if l.running.Load() {
		return fmt.Errorf("loop: close: %w", api.ErrRunning)
	}
	l.closing = true
	l.inbox.close()
	l.runPostedAtClose()
	l.signals.stop()
	l.closed = true
	for _, fn := range l.onClose {
		fn()
	}
	l.onClose = nil
	err := errors.Join(l.sel.Close(), l.wake.Close())
	for l.ready.len() > 0 {
		l.ready.pop()
	}
	l.timers.Expire(math.MaxInt64, func(*api.Timer) {})
	l.fds = nil
	l.pool = timerPool{}
	if err != nil {
		return fmt.Errorf("loop: close: %w", err)
	}
	return nil
}

// runPostedAtClose runs what other goroutines posted and the loop has not
// run: the posts already moved to the ready queue, in their order, then
// those still in the inbox.
func (l *Loop) runPostedAtClose() {
	var posted []func()
	for l.ready.len() > 0 {
		if w := l.ready.pop(); w.t == postedMark && w.fn != nil {
			posted = append(posted, w.fn)
		}
	}
	posted = append(posted, l.inbox.items...)
	l.inbox.items = nil
	l.runPosted(posted)
}

// OnClose registers fn to run when the loop is closed, before it releases
// anything: the hook of packages that keep work on the loop (package task
// finishes the coroutines still suspended). The returned function removes
// the hook. OnClose fails with api.ErrClosed once the loop is closed.
func (l *Loop) OnClose(fn func()) (remove func(), err error) {
	if err := l.check(fn); err != nil {
		return nil, fmt.Errorf("loop: on close: %w", err)
	}
	if l.onClose == nil {
		l.onClose = map[uint64]func(){}
	}
	l.hookID++
	id := l.hookID
	l.onClose[id] = fn
	return func() { delete(l.onClose, id) }, nil
}

// inbox is where other goroutines leave callbacks for the loop.
type inbox struct {
	mu     sync.Mutex
	items  []func()
	spare  []func()
	posted atomic.Bool
	closed bool
	wake   *wakeup.Waker
}

// CallSoonThreadsafe schedules fn from any goroutine, waking the loop if
// it is waiting. It is the one method safe to call from outside the
// loop's goroutine. A post that returns nil runs: in an iteration of the
// loop, or at the latest when the loop is closed (see Close). It fails
// with api.ErrClosed once Close has begun.
func (l *Loop) CallSoonThreadsafe(fn func()) error {
	if fn == nil {
		return fmt.Errorf("loop: call soon threadsafe: %w", api.ErrNilCallback)
	}
	return l.inbox.post(fn)
}

func (b *inbox) post(fn func()) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return fmt.Errorf("loop: call soon threadsafe: %w", api.ErrClosed)
	}
	b.items = append(b.items, fn)
	if !b.posted.Load() {
		b.posted.Store(true)
	}
	// Under the lock: close takes it before the loop closes the wake-up
	// descriptor, so a wake-up is never written to a number the loop no
	// longer owns (and the program may have reused). The write happens
	// once per loop wake-up, not once per post.
	if testHookBeforeWake != nil {
		testHookBeforeWake()
	}
	b.wake.Wake()
	return nil
}

// testHookBeforeWake, if set, runs in every post just before the wake-up.
var testHookBeforeWake func()

// take returns the callbacks posted since the last take. The loop runs
// them straight from this slice, which stays its own until the next take:
// the two slices alternate, and neither is copied.
func (b *inbox) take() []func() {
	if !b.posted.Load() {
		return nil
	}
	b.mu.Lock()
	items := b.items
	b.items, b.spare = b.spare[:0], items
	b.posted.Store(false)
	b.mu.Unlock()
	return items
}

// moveTo moves the posted callbacks to the end of the ready queue, marked
// as posts. It leaves the spare slice alone, which the loop may be
// running from.
func (b *inbox) moveTo(r *ring) {
	b.mu.Lock()
	for i, fn := range b.items {
		r.push(fn, postedMark)
		b.items[i] = nil
	}
	b.items = b.items[:0]
	b.posted.Store(false)
	b.mu.Unlock()
}

// close refuses further posts; what was posted stays in items for Close
// to run.
func (b *inbox) close() {
	b.mu.Lock()
	b.closed = true
	b.posted.Store(false)
	b.mu.Unlock()
}

// RunUntil runs the loop until ctx is done, and returns ctx's error then;
// nil if Stop ended it first, or the error that ended Run. A ctx done in
// the same iteration as a Stop leaves nothing behind: the next Run is not
// stopped by it.
func (l *Loop) RunUntil(ctx context.Context) error {
	if l.closed || l.closing {
		return fmt.Errorf("loop: run until: %w", api.ErrClosed)
	}
	active := true // read and written on the loop's goroutine only
	stop := context.AfterFunc(ctx, func() {
		l.CallSoonThreadsafe(func() {
			if active {
				l.Stop()
			}
		})
	})
	defer stop()
	err := l.Run()
	active = false
	if err != nil {
		return err
	}
	return ctx.Err()
}

// Closed reports whether Close has been called (asyncio's is_closed).
func (l *Loop) Closed() bool { return l.closed || l.closing }
