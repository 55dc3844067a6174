package api

import "time"

// Event reports the readiness of one registered descriptor.
type Event struct {
	Fd    int
	Ready Interest // a subset of the registered directions, plus Error and HangUp
}

// A Selector waits for readiness of file descriptors. It is level-triggered:
// a condition is reported by every Select while it holds, unless the
// registration asked for a mode the selector declares (see [Modes]).
//
// A Selector is not safe for concurrent use. Every method returns an error
// matching [ErrClosed] once Close has been called, Close included.
type Selector interface {
	// Name is the mechanism's short name, as the registries know it:
	// "poll", "epoll", "kqueue", "select".
	Name() string

	// Register starts watching fd for interest. It fails with
	// [ErrRegistered] if fd is registered, with [ErrInterest] if interest
	// is not [Interest.Valid] or asks for an undeclared mode, and with an
	// error wrapping unix.EBADF if fd is not an open descriptor.
	Register(fd int, interest Interest) error

	// Modify replaces the interest of a registered fd; it re-arms a
	// one-shot registration. It fails with [ErrNotRegistered] for an
	// unknown fd and with [ErrInterest] as Register does.
	Modify(fd int, interest Interest) error

	// Unregister stops watching fd. It fails with [ErrNotRegistered] for
	// an unknown fd. A caller that closes a registered descriptor should
	// unregister it first: kernels reuse descriptor numbers.
	Unregister(fd int) error

	// Select waits until at least one registered descriptor is ready or
	// the timeout passes, and appends the ready ones to events, at most
	// cap(events)-len(events) of them, one Event per descriptor. A
	// negative timeout waits without limit, zero polls, and a positive
	// timeout is rounded up to the mechanism's resolution, never down:
	// Select does not return before the timeout unless an event came.
	// Interrupted waits (EINTR) are resumed with the time remaining. With
	// no spare capacity in events it fails with an error matching
	// io.ErrShortBuffer. In steady state Select allocates nothing.
	//
	// Every returned Event describes the registration of its descriptor as
	// it stood when Select returned. Once the caller changes registrations
	// (Unregister, close, Register again), events still in its buffer may
	// describe a registration that no longer exists: a caller that runs
	// callbacks between events must look each one up again (asyncio
	// resolves the whole batch to handles before running any).
	//
	// A descriptor closed while registered never wedges the selector nor
	// makes it spin: it is reported at most once, as [Error] (poll and
	// select see it; epoll and kqueue drop it silently), the other
	// descriptors keep being served, and Unregister still succeeds.
	Select(events []Event, timeout time.Duration) ([]Event, error)

	// Close releases the selector and every kernel object it holds. It
	// does not close the registered descriptors, which belong to the
	// caller.
	Close() error
}

// Moder is implemented by a Selector that accepts mode bits.
type Moder interface {
	// Modes returns the mode bits (EdgeTriggered, OneShot) Register and
	// Modify accept.
	Modes() Interest
}

// Modes returns the mode bits s accepts: EdgeTriggered, OneShot, both or
// neither.
func Modes(s Selector) Interest {
	if m, ok := s.(Moder); ok {
		return m.Modes() & (EdgeTriggered | OneShot)
	}
	return 0
}
