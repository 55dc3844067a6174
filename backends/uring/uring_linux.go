// Package uring implements [api.Selector] with Linux's io_uring, as a
// readiness backend: every registration is a poll request
// (IORING_OP_POLL_ADD) in the ring, and Select reaps their completions.
//
// # The mapping
//
//   - An edge-triggered registration is one multishot poll
//     (IORING_POLL_ADD_MULTI): it stays armed and completes each time the
//     descriptor's wait queue is woken, as EPOLLET reports.
//   - A level-triggered registration (the default) is a single-shot poll
//     that the selector arms again as soon as it has completed: the new
//     request goes in with the next Select's submission, and completes at
//     once if the condition still holds, so a condition is reported by
//     every Select while it holds, as the contract asks.
//   - A one-shot registration is a single-shot poll that Modify arms again.
//
// Register, Modify and Unregister only queue requests (a poll, or a
// cancellation by user_data, IORING_OP_ASYNC_CANCEL); Select submits them
// all in the io_uring_enter call that waits, so a loop iteration makes one
// system call whatever it changed. Each request's user_data carries the
// descriptor and a token of the arming, and a completion whose token is not
// the registration's current one is dropped.
//
// # Where it stands
//
// io_uring is opt-in: the registry never makes it the default. New probes
// the kernel and fails with an error matching errors.ErrUnsupported that
// says why (Linux before 5.13, io_uring disabled by sysctl or hidden by a
// container's seccomp filter, no memory for the rings). For readiness
// alone, io_uring saves the separate epoll_ctl calls (changes ride on the
// wait) but pays a poll request per level-triggered event; the README's
// benchmarks give the figures on this machine.
//
// A poll request holds its own reference to the file: a descriptor closed
// while registered keeps its file open until Unregister cancels the
// request. Unregister before close, as for every backend.
package uring

import (
	"fmt"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
	"golang.org/x/sys/unix"
)

// Available reports whether this platform may have io_uring; New says
// whether this kernel does.
const Available = true

// Ring sizes: submissions are flushed whenever the ring fills, and a large
// completion ring keeps multishot polls from being cut by an overflow (the
// selector re-arms them if they are).
const (
	sqEntries = 256
	cqEntries = 4096
)

// user_data layout: the descriptor in bits 32-62, the arming's token in
// bits 0-31; bit 63 marks the selector's own cancellations.
const cancelTag = 1 << 63

// A selector is the shared core over an io_uring.
type selector struct {
	backend.Core
	ring    *ring
	pending []sqe  // requests for the next Select to submit
	token   uint32 // the last arming's; 0 means none
	flushed uint32 // the last arming handed to the kernel
	tid     int    // the thread that submitted every request in flight
	merged  backend.Merger
}

// New sets up an io_uring and returns a selector on it, or an error
// matching errors.ErrUnsupported that says why this kernel cannot.
func New() (api.Selector, error) {
	r, err := newRing(sqEntries, cqEntries)
	if err != nil {
		return nil, fmt.Errorf("io_uring: %w", err)
	}
	s := &selector{ring: r}
	s.Init(backend.Config{Name: "io_uring", Modes: api.EdgeTriggered | api.OneShot, CheckFiles: true}, s)
	return s, nil
}

func (s *selector) Add(fd int, r *backend.Reg) error {
	s.arm(fd, r, r.Interest)
	return nil
}

// Mod cancels the current request and arms a new one.
func (s *selector) Mod(fd int, r *backend.Reg, in api.Interest) error {
	s.cancel(fd, *r)
	s.arm(fd, r, in)
	return nil
}

func (s *selector) Del(fd int, r backend.Reg) error {
	s.cancel(fd, r)
	return nil
}

// arm queues a poll request for in and makes it r's current one.
func (s *selector) arm(fd int, r *backend.Reg, in api.Interest) {
	e := s.queue()
	if s.token++; s.token == 0 {
		s.token = 1
	}
	r.Slot = int32(s.token)
	e.opcode, e.fd = opPollAdd, int32(fd)
	e.opFlags = backend.EpollFlags.Mask(in & api.Directions)
	if in&(api.EdgeTriggered|api.OneShot) == api.EdgeTriggered {
		e.len = pollAddMulti
	}
	e.userData = userData(fd, s.token)
}

// cancel queues the cancellation of r's current request. One that has
// completed already makes the cancellation fail (ENOENT), harmlessly.
// It is IORING_OP_ASYNC_CANCEL, not IORING_OP_POLL_REMOVE: a poll whose
// wake-up is still task work of the thread that armed it makes
// POLL_REMOVE fail (EALREADY) and leaves the request armed; when that
// task work finds nothing ready (the loop, moved to another thread, has
// read the data through a new arming), the poll waits on, holding the
// socket open after close. ASYNC_CANCEL marks the request cancelled
// whatever it is doing.
func (s *selector) cancel(fd int, r backend.Reg) {
	if r.Slot == 0 {
		return // nothing in flight
	}
	e := s.queue()
	e.opcode, e.fd = opAsyncCancel, -1
	e.addr = userData(fd, uint32(r.Slot))
	e.userData = cancelTag
}

// queue returns a new request for the next Select to submit.
func (s *selector) queue() *sqe {
	s.pending = append(s.pending, sqe{})
	return &s.pending[len(s.pending)-1]
}

func userData(fd int, token uint32) uint64 { return uint64(fd)<<32 | uint64(token) }

// Wait submits what is queued (re-armings included) and reaps what has
// completed, in one io_uring_enter unless more is queued than the ring
// holds: it waits only if nothing has.
func (s *selector) Wait(events []api.Event, d time.Duration) ([]api.Event, error) {
	if tid := unix.Gettid(); tid != s.tid {
		s.adopt()
		s.tid = tid
	}
	for {
		n := s.ring.push(s.pending)
		s.pending = s.pending[:copy(s.pending, s.pending[n:])]
		if len(s.pending) == 0 {
			break
		}
		if err := s.ring.enter(false, 0); err != nil {
			return events, err
		}
	}
	s.flushed = s.token
	if s.ring.ready() {
		d = 0
	}
	err := s.ring.enter(true, int64(d))
	return s.reap(events, len(events)), err
}

// adopt re-arms, from the calling thread, every request another thread
// submitted. A poll's completion is posted by task work queued to the
// thread that submitted it, when that thread next enters the kernel; a
// goroutine moves between threads, and a completion left to a thread that
// sleeps elsewhere would come late. Requests submitted by the thread that
// waits have theirs posted in its wait, and a request armed anew reports
// what is ready at once, so every Select sees all that is ready when it
// is made. Costs one gettid per Select, and a re-arming of everything on
// the rare Select that finds itself on another thread.
func (s *selector) adopt() {
	for fd := range s.Regs.Len() {
		r := s.Regs.Lookup(fd)
		if r == nil || r.Slot == 0 || int32(uint32(r.Slot)-s.flushed) > 0 {
			continue // nothing in flight, or not submitted yet
		}
		s.cancel(fd, *r)
		s.arm(fd, r, r.Interest)
	}
}

// reap translates completions into events, as many as events has room for.
func (s *selector) reap(events []api.Event, start int) []api.Event {
	head, tail := s.ring.completions()
	for ; head != tail && len(events) < cap(events); head++ {
		c := s.ring.cqe(head)
		if c.userData&cancelTag != 0 {
			continue
		}
		fd, token := int(c.userData>>32), uint32(c.userData)
		r := s.Regs.Lookup(fd)
		if r == nil || uint32(r.Slot) != token {
			continue // an arming that was cancelled or replaced
		}
		ready, done := s.result(c, r)
		switch {
		case !done:
		case r.Interest&api.OneShot == 0 || c.res == -int32(unix.ECANCELED):
			s.arm(fd, r, r.Interest) // before the caller sees the event
		default:
			r.Slot = 0 // a one-shot that fired: Modify arms it again
		}
		if ready != 0 {
			events = s.merged.Add(events, start, fd, ready)
		}
	}
	s.ring.consume(head)
	return events
}

// result translates a completion and reports whether its request is done.
func (s *selector) result(c *cqe, r *backend.Reg) (ready api.Interest, done bool) {
	done = c.flags&cqeFMore == 0
	switch {
	case c.res >= 0:
		return backend.EpollFlags.Ready(uint32(c.res), r.Interest), done
	case c.res == -int32(unix.ECANCELED):
		return 0, done // cut by the kernel (an overflowed ring): armed again
	}
	// The request failed (EBADF: closed before it was submitted): say so
	// once, and do not arm it again.
	r.Slot = 0
	return api.Error | r.Interest&api.Directions, false
}

// Release closes the ring, which cancels every request in it.
func (s *selector) Release() error {
	s.pending = nil
	return s.ring.close()
}
