//go:build unix

package conformance

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

// TestSelector checks that the selectors newSelector makes keep every
// contract of [api.Selector]. Each case runs as a subtest on a selector of
// its own, under a watchdog that turns a hang into a failure.
//
// The cases open socket pairs and pipes with golang.org/x/sys/unix, raise
// RLIMIT_NOFILE where a case needs many descriptors, and send SIGURG to the
// process; they do not run in parallel with each other. Cases for optional
// modes run only when the selector declares them through [api.Modes].
func TestSelector(t *testing.T, newSelector NewSelector) {
	t.Helper()
	runCases(t, selectorCases, openSelector(newSelector))
}

// openSelector makes each case's selector, and closes it when the case
// ends.
func openSelector(newSelector NewSelector) func(*recorder) api.Selector {
	return func(r *recorder) api.Selector {
		s, err := newSelector()
		if err != nil {
			r.Fatalf("new selector: %v", err)
		}
		r.Cleanup(func() { s.Close() })
		r.newSelector = newSelector
		return s
	}
}

var selectorCases = []testCase[api.Selector]{
	{name: "Name", fn: selectorName},
	{name: "RegisterTwice", fn: selectorRegisterTwice},
	{name: "UnknownDescriptor", fn: selectorUnknownDescriptor},
	{name: "BadDescriptor", fn: selectorBadDescriptor},
	{name: "NotPollable", fn: selectorNotPollable},
	{name: "BadInterest", fn: selectorBadInterest},
	{name: "Readable", fn: selectorReadable},
	{name: "Writable", fn: selectorWritable},
	{name: "Pipe", fn: selectorPipe},
	{name: "LevelTriggered", fn: selectorLevelTriggered},
	{name: "Modify", fn: selectorModify},
	{name: "Unregister", fn: selectorUnregister},
	{name: "PeerClose", fn: selectorPeerClose},
	{name: "PipeWriterClose", fn: selectorPipeWriterClose},
	{name: "TimeoutZero", fn: selectorTimeoutZero},
	{name: "TimeoutRoundsUp", fn: selectorTimeoutRoundsUp},
	{name: "TimeoutEndsEarlyOnEvent", fn: selectorTimeoutEndsEarlyOnEvent},
	{name: "BlockingWait", fn: selectorBlockingWait},
	{name: "Signals", fn: selectorSignals},
	{name: "ShortBuffer", fn: selectorShortBuffer},
	{name: "BufferCapacity", fn: selectorBufferCapacity},
	{name: "ManyDescriptors", limit: 60 * time.Second, fn: selectorManyDescriptors},
	{name: "HighDescriptor", fn: selectorHighDescriptor},
	{name: "ClosedWhileRegistered", fn: selectorClosedWhileRegistered},
	{name: "ReuseAfterUnregister", fn: selectorReuseAfterUnregister},
	{name: "UnregisterWithEventInBuffer", fn: selectorUnregisterWithEventInBuffer},
	{name: "StaleRegistrationOfDuplicate", fn: selectorStaleRegistrationOfDuplicate},
	{name: "AfterClose", fn: selectorAfterClose},
	{name: "CloseReleasesDescriptors", fn: selectorCloseReleasesDescriptors},
	{name: "SelectAllocs", fn: selectorSelectAllocs},
	{name: "EdgeTriggered", fn: selectorEdgeTriggered},
	{name: "OneShot", fn: selectorOneShot},
}

// --- descriptors ---

// socketPair returns two connected, non-blocking AF_UNIX stream sockets
// that the case closes when it ends (closing one early is fine).
func socketPair(t *recorder) (a, b int) {
	fds, err := nonblockingPair()
	if err != nil {
		t.Fatalf("socketpair: %v", err)
	}
	closeLater(t, fds[0])
	closeLater(t, fds[1])
	return fds[0], fds[1]
}

func pipe(t *recorder) (r, w int) {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatalf("pipe: %v", err)
	}
	for _, fd := range p {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatalf("set non-blocking: %v", err)
		}
		closeLater(t, fd)
	}
	return p[0], p[1]
}

// closeLater closes fd when the case ends unless the case closed it.
// A case that closes a descriptor early calls closeNow, so that a number
// the kernel has reused meanwhile is not closed by mistake.
func closeLater(t *recorder, fd int) {
	t.Cleanup(func() {
		if !closedEarly(t, fd) {
			unix.Close(fd)
		}
	})
}

func closeNow(t *recorder, fd int) {
	t.mu.Lock()
	if t.closed == nil {
		t.closed = map[int]bool{}
	}
	t.closed[fd] = true
	t.mu.Unlock()
	unix.Close(fd)
}

func closedEarly(t *recorder, fd int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed[fd]
}

func write(t *recorder, fd int, p string) {
	t.Helper()
	n, err := unix.Write(fd, []byte(p))
	if err != nil || n != len(p) {
		t.Fatalf("write(%d, %q) = %d, %v; want %d, nil", fd, p, n, err, len(p))
	}
}

func drain(t *recorder, fd int) {
	var buf [4096]byte
	for {
		n, err := unix.Read(fd, buf[:])
		if err == unix.EINTR {
			continue
		}
		if n <= 0 {
			return
		}
	}
}

func register(t *recorder, s api.Selector, fd int, in api.Interest) {
	t.Helper()
	if err := s.Register(fd, in); err != nil {
		t.Fatalf("Register(%d, %v) = %v; want nil", fd, in, err)
	}
}

// sel calls Select with a fresh buffer of capacity 64 and fails the case
// on an error.
func sel(t *recorder, s api.Selector, timeout time.Duration) []api.Event {
	t.Helper()
	evs, err := s.Select(make([]api.Event, 0, 64), timeout)
	if err != nil {
		t.Fatalf("Select(timeout=%v) = %d events, %v; want nil error", timeout, len(evs), err)
	}
	return evs
}

// find returns the readiness reported for fd, failing the case if fd
// appears twice.
func find(t *recorder, evs []api.Event, fd int) (api.Interest, bool) {
	var ready api.Interest
	found := false
	for _, ev := range evs {
		if ev.Fd == fd {
			if found {
				t.Errorf("Select reported fd %d twice in one call: %v", fd, evs)
			}
			ready, found = ev.Ready, true
		}
	}
	return ready, found
}

// expect checks that one Select(timeout) reports fd with every bit of want
// and no direction outside allowed.
func expect(t *recorder, s api.Selector, timeout time.Duration, fd int, want, allowed api.Interest) {
	t.Helper()
	evs := sel(t, s, timeout)
	got, ok := find(t, evs, fd)
	if !ok {
		t.Fatalf("Select(timeout=%v) = %v; want an event for fd %d with %v", timeout, evs, fd, want)
	}
	if got&want != want {
		t.Errorf("Select(timeout=%v): fd %d ready %v; want at least %v", timeout, fd, got, want)
	}
	if extra := got & api.Directions &^ allowed; extra != 0 {
		t.Errorf("Select(timeout=%v): fd %d ready %v; %v was not registered", timeout, fd, got, extra)
	}
}

// expectNone checks that Select(0) reports nothing for fd.
func expectNone(t *recorder, s api.Selector, fd int) {
	t.Helper()
	evs := sel(t, s, 0)
	if got, ok := find(t, evs, fd); ok {
		t.Errorf("Select(timeout=0) reported fd %d ready %v; want no event for it", fd, got)
	}
}

// --- cases ---

func selectorName(t *recorder, s api.Selector) {
	if s.Name() == "" {
		t.Errorf(`Name() = ""; want the mechanism's name`)
	}
}

func selectorRegisterTwice(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	register(t, s, a, api.Readable)
	err := s.Register(a, api.Writable)
	if !errors.Is(err, fs.ErrExist) || !errors.Is(err, api.ErrRegistered) {
		t.Errorf("second Register(%d) = %v; want an error matching fs.ErrExist and api.ErrRegistered", a, err)
	}
	// The failed call must not have changed the first registration.
	expectNone(t, s, a)
}

func selectorUnknownDescriptor(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	if err := s.Modify(a, api.Readable); !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, api.ErrNotRegistered) {
		t.Errorf("Modify(unregistered fd %d) = %v; want an error matching fs.ErrNotExist and api.ErrNotRegistered", a, err)
	}
	if err := s.Unregister(a); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Unregister(unregistered fd %d) = %v; want an error matching fs.ErrNotExist", a, err)
	}
	register(t, s, a, api.Readable)
	if err := s.Unregister(a); err != nil {
		t.Fatalf("Unregister(%d) = %v; want nil", a, err)
	}
	if err := s.Unregister(a); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Unregister twice = %v; want an error matching fs.ErrNotExist", err)
	}
	if err := s.Modify(a, api.Readable); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Modify after Unregister = %v; want an error matching fs.ErrNotExist", err)
	}
}

func selectorBadDescriptor(t *recorder, s api.Selector) {
	if err := s.Register(-1, api.Readable); !errors.Is(err, unix.EBADF) {
		t.Errorf("Register(-1) = %v; want an error matching unix.EBADF", err)
	}
	a, _ := socketPair(t)
	closeNow(t, a)
	if err := s.Register(a, api.Readable); !errors.Is(err, unix.EBADF) {
		t.Errorf("Register(closed fd %d) = %v; want an error matching unix.EBADF", a, err)
	}
	// A refused descriptor must not be half registered.
	if err := s.Unregister(a); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Unregister(refused fd %d) = %v; want an error matching fs.ErrNotExist", a, err)
	}
	if err := s.Modify(-1, api.Readable); err == nil {
		t.Errorf("Modify(-1) = nil; want an error")
	}
}

// selectorNotPollable registers a regular file and a directory: every
// backend refuses both alike (epoll's EPERM), rather than call them ready
// for ever (poll, select) or until the end of the file (kqueue).
func selectorNotPollable(t *recorder, s api.Selector) {
	dir, err := os.MkdirTemp("", "evloop-conformance")
	if err != nil {
		t.Fatalf("MkdirTemp: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(dir+"/file", []byte("data"), 0o600); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	for _, path := range []string{dir + "/file", dir} {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		closeLater(t, fd)
		err = s.Register(fd, api.Readable)
		if !errors.Is(err, api.ErrNotPollable) || !errors.Is(err, unix.EPERM) || !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("Register(%s, r) = %v; want an error matching api.ErrNotPollable, unix.EPERM and errors.ErrUnsupported", path, err)
		}
		if err := s.Unregister(fd); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Unregister(refused %s) = %v; want an error matching fs.ErrNotExist", path, err)
		}
	}
}

func selectorBadInterest(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	modes := api.Modes(s)
	for _, in := range []api.Interest{0, api.Error, api.HangUp, api.Readable | api.Error, 0x80 | api.Readable} {
		if err := s.Register(a, in); !errors.Is(err, api.ErrInterest) || !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Register(%d, %v) = %v; want an error matching api.ErrInterest and fs.ErrInvalid", a, in, err)
		}
	}
	for _, mode := range []api.Interest{api.EdgeTriggered, api.OneShot} {
		if modes&mode != 0 {
			continue
		}
		if err := s.Register(a, api.Readable|mode); !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("Register(%d, r|%v) on a selector without that mode = %v; want an error matching errors.ErrUnsupported", a, mode, err)
		}
	}
	register(t, s, a, api.Readable)
	if err := s.Modify(a, 0); !errors.Is(err, api.ErrInterest) {
		t.Errorf("Modify(%d, 0) = %v; want an error matching api.ErrInterest", a, err)
	}
}

func selectorReadable(t *recorder, s api.Selector) {
	a, b := socketPair(t)
	register(t, s, a, api.Readable)
	expectNone(t, s, a)
	write(t, b, "x")
	expect(t, s, 0, a, api.Readable, api.Readable)
	drain(t, a)
	expectNone(t, s, a)
}

func selectorWritable(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	register(t, s, a, api.Writable)
	expect(t, s, 0, a, api.Writable, api.Writable)
	// Fill the socket buffer: a full socket must not be reported writable.
	chunk := make([]byte, 64<<10)
	for {
		_, err := unix.Write(a, chunk)
		if err == unix.EAGAIN {
			break
		}
		if err != nil && err != unix.EINTR {
			t.Fatalf("filling the socket: %v", err)
		}
	}
	expectNone(t, s, a)
}

func selectorPipe(t *recorder, s api.Selector) {
	r, w := pipe(t)
	register(t, s, r, api.Readable)
	register(t, s, w, api.Writable)
	evs := sel(t, s, 0)
	if _, ok := find(t, evs, r); ok {
		t.Errorf("Select(timeout=0) = %v; empty pipe's read end %d reported", evs, r)
	}
	if got, ok := find(t, evs, w); !ok || got&api.Writable == 0 {
		t.Errorf("Select(timeout=0) = %v; want pipe's write end %d writable", evs, w)
	}
	write(t, w, "x")
	expect(t, s, 0, r, api.Readable, api.Readable)
}

func selectorLevelTriggered(t *recorder, s api.Selector) {
	a, b := socketPair(t)
	register(t, s, a, api.Readable)
	write(t, b, "xy")
	// Readiness holds until the data is read: every Select reports it.
	for i := range 25 {
		evs := sel(t, s, 0)
		if _, ok := find(t, evs, a); !ok {
			t.Fatalf("Select #%d (timeout=0) = %v; a level-triggered selector reports fd %d while data is unread", i+1, evs, a)
		}
	}
	var one [1]byte
	unix.Read(a, one[:])
	expect(t, s, 0, a, api.Readable, api.Readable)
	drain(t, a)
	expectNone(t, s, a)
}

func selectorModify(t *recorder, s api.Selector) {
	a, b := socketPair(t)
	register(t, s, a, api.Readable)
	write(t, b, "x")
	if err := s.Modify(a, api.Writable); err != nil {
		t.Fatalf("Modify(%d, w) = %v; want nil", a, err)
	}
	expect(t, s, 0, a, api.Writable, api.Writable)
	if err := s.Modify(a, api.Readable|api.Writable); err != nil {
		t.Fatalf("Modify(%d, r|w) = %v; want nil", a, err)
	}
	expect(t, s, 0, a, api.Readable|api.Writable, api.Readable|api.Writable)
	if err := s.Modify(a, api.Readable); err != nil {
		t.Fatalf("Modify(%d, r) = %v; want nil", a, err)
	}
	expect(t, s, 0, a, api.Readable, api.Readable)
}

// twoReadable registers two sockets for reading and makes both readable.
func twoReadable(t *recorder, s api.Selector) (a, c int) {
	t.Helper()
	a, b := socketPair(t)
	c, d := socketPair(t)
	register(t, s, a, api.Readable)
	register(t, s, c, api.Readable)
	write(t, b, "x")
	write(t, d, "x")
	return a, c
}

func selectorUnregister(t *recorder, s api.Selector) {
	a, c := twoReadable(t, s)
	if err := s.Unregister(a); err != nil {
		t.Fatalf("Unregister(%d) = %v; want nil", a, err)
	}
	evs := sel(t, s, 0)
	if _, ok := find(t, evs, a); ok {
		t.Errorf("Select(timeout=0) = %v; unregistered fd %d reported", evs, a)
	}
	if _, ok := find(t, evs, c); !ok {
		t.Errorf("Select(timeout=0) = %v; want fd %d, still registered, reported", evs, c)
	}
	// The number may be registered again, with a new interest.
	register(t, s, a, api.Writable)
	expect(t, s, 0, a, api.Writable, api.Writable)
}

func selectorPeerClose(t *recorder, s api.Selector) {
	a, b := socketPair(t)
	register(t, s, a, api.Readable)
	closeNow(t, b)
	expect(t, s, time.Second, a, api.Readable, api.Readable)
	var buf [1]byte
	if n, err := unix.Read(a, buf[:]); n != 0 || err != nil {
		t.Errorf("read after peer close = %d, %v; want 0, nil (end of stream)", n, err)
	}
}

func selectorPipeWriterClose(t *recorder, s api.Selector) {
	r, w := pipe(t)
	register(t, s, r, api.Readable)
	closeNow(t, w)
	// poll reports only POLLHUP here; the contract still says readable.
	expect(t, s, time.Second, r, api.Readable, api.Readable)
}

func selectorTimeoutZero(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	register(t, s, a, api.Readable)
	start := time.Now()
	evs := sel(t, s, 0)
	if len(evs) != 0 {
		t.Errorf("Select(timeout=0) = %v; want no events", evs)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Select(timeout=0) took %v; want an immediate return", d)
	}
}

func selectorTimeoutRoundsUp(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	register(t, s, a, api.Readable)
	// 1.5 ms is where a wait rounded down to whole milliseconds returns
	// early; the others cover sub-millisecond and ordinary waits.
	for _, d := range []time.Duration{time.Microsecond, 300 * time.Microsecond, 1500 * time.Microsecond, 2500 * time.Microsecond, 30 * time.Millisecond} {
		for range 3 {
			start := time.Now()
			evs := sel(t, s, d)
			took := time.Since(start)
			if len(evs) != 0 {
				t.Fatalf("Select(timeout=%v) = %v; want no events", d, evs)
			}
			if took < d {
				t.Errorf("Select(timeout=%v) returned after %v with no event; want no sooner than %v", d, took, d)
			}
		}
	}
}

func selectorTimeoutEndsEarlyOnEvent(t *recorder, s api.Selector) {
	a, b := socketPair(t)
	register(t, s, a, api.Readable)
	timer := time.AfterFunc(20*time.Millisecond, func() { unix.Write(b, []byte("x")) })
	defer timer.Stop()
	start := time.Now()
	evs := sel(t, s, 30*time.Second)
	if _, ok := find(t, evs, a); !ok {
		t.Fatalf("Select(timeout=30s) = %v after %v; want fd %d readable", evs, time.Since(start), a)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("Select(timeout=30s) returned %v after an event at 20ms; want it to return on the event", took)
	}
}

func selectorBlockingWait(t *recorder, s api.Selector) {
	a, b := socketPair(t)
	register(t, s, a, api.Readable)
	timer := time.AfterFunc(20*time.Millisecond, func() { unix.Write(b, []byte("x")) })
	defer timer.Stop()
	evs := sel(t, s, -1)
	if _, ok := find(t, evs, a); !ok {
		t.Errorf("Select(timeout=-1) = %v; a blocking wait returns only with an event, want fd %d readable", evs, a)
	}
}

// selectorSignals waits 200 ms while the waiting thread receives SIGURG
// hundreds of times (the signal the Go runtime uses for preemption): every
// interrupted wait must be resumed with the time remaining.
func selectorSignals(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	register(t, s, a, api.Readable)
	const wait = 200 * time.Millisecond

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	stop := make(chan struct{})
	var sent atomic.Int64
	hammered := make(chan struct{})
	target := currentThread()
	go func() {
		defer close(hammered)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if target.signal() == nil {
				sent.Add(1)
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	start := time.Now()
	evs, err := s.Select(make([]api.Event, 0, 8), wait)
	took := time.Since(start)
	close(stop)
	<-hammered
	if err != nil {
		t.Errorf("Select(timeout=%v) under %d signals = %v; want nil (EINTR is retried)", wait, sent.Load(), err)
	}
	if len(evs) != 0 {
		t.Errorf("Select(timeout=%v) under signals = %v; want no events", wait, evs)
	}
	if took < wait {
		t.Errorf("Select(timeout=%v) under %d signals returned after %v; want no sooner than %v", wait, sent.Load(), took, wait)
	}
	if sent.Load() < 50 {
		t.Logf("only %d signals were sent during the wait", sent.Load())
	}
}

func selectorShortBuffer(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	register(t, s, a, api.Writable)
	full := make([]api.Event, 2)
	evs, err := s.Select(full, 0)
	if !errors.Is(err, io.ErrShortBuffer) {
		t.Errorf("Select(buffer with no spare capacity) = %v, %v; want an error matching io.ErrShortBuffer", evs, err)
	} else if !strings.HasPrefix(err.Error(), s.Name()+":") {
		t.Errorf("Select(buffer with no spare capacity) = %q; want the error to name the backend (%q)", err, s.Name())
	}
	if len(evs) != 2 {
		t.Errorf("Select(buffer with no spare capacity) returned %d events; want the buffer back unchanged (2)", len(evs))
	}
}

// selectorBufferCapacity checks that Select appends after what is in the
// buffer, respects its capacity, and that the ready descriptors left out
// are reported by the following calls.
func selectorBufferCapacity(t *recorder, s api.Selector) {
	want := map[int]bool{}
	for range 10 {
		a, _ := socketPair(t)
		register(t, s, a, api.Writable)
		want[a] = true
	}
	seen := map[int]bool{}
	for call := 0; call < 20 && len(seen) < len(want); call++ {
		buf := make([]api.Event, 1, 4)
		buf[0] = api.Event{Fd: -7}
		evs, err := s.Select(buf, 0)
		if err != nil {
			t.Fatalf("Select = %v", err)
		}
		if len(evs) > 4 || len(evs) < 2 || evs[0].Fd != -7 {
			t.Fatalf("Select(len=1, cap=4) = %v; want the first element kept and 1 to 3 events appended", evs)
		}
		for _, ev := range evs[1:] {
			seen[ev.Fd] = true
			if err := s.Modify(ev.Fd, api.Readable); err != nil { // stop reporting it
				t.Fatalf("Modify(%d, r) = %v", ev.Fd, err)
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("writable descriptors reported through a 3-event buffer: %d of %d; want all", len(seen), len(want))
	}
}

func selectorManyDescriptors(t *recorder, s api.Selector) {
	const pairs = 1200
	raiseFileLimit(t, 2*pairs+64)
	reads := make([]int, pairs)
	writes := make([]int, pairs)
	for i := range pairs {
		reads[i], writes[i] = socketPair(t)
		register(t, s, reads[i], api.Readable)
	}
	want := map[int]bool{}
	for i := 3; i < pairs; i += 7 {
		write(t, writes[i], "x")
		want[reads[i]] = true
	}
	// Every write above made its peer readable at once (AF_UNIX), so one
	// Select with room for all must report exactly that set.
	evs, err := s.Select(make([]api.Event, 0, 2*pairs), 0)
	if err != nil {
		t.Fatalf("Select = %v", err)
	}
	got := map[int]bool{}
	for _, ev := range evs {
		if got[ev.Fd] {
			t.Errorf("fd %d reported twice in one Select", ev.Fd)
		}
		got[ev.Fd] = true
		if !want[ev.Fd] {
			t.Errorf("fd %d reported ready (%v); nothing was written to it", ev.Fd, ev.Ready)
		}
	}
	for fd := range want {
		if !got[fd] {
			t.Errorf("fd %d not reported; want readable (%d of %d ready descriptors reported)", fd, len(got), len(want))
		}
	}
	// The highest numbered descriptors work too.
	last := pairs - 1
	write(t, writes[last], "x")
	drainAll(t, s, reads, want)
	expect(t, s, 0, reads[last], api.Readable, api.Readable)
}

func drainAll(t *recorder, s api.Selector, reads []int, want map[int]bool) {
	for _, fd := range reads {
		if want[fd] {
			drain(t, fd)
		}
	}
}

func raiseFileLimit(t *recorder, n uint64) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("getrlimit: %v", err)
	}
	if uint64(lim.Cur) >= n {
		return
	}
	if uint64(lim.Max) < n {
		t.Skipf("RLIMIT_NOFILE hard limit %d is below the %d descriptors this case needs", lim.Max, n)
	}
	old := lim
	setLimit(&lim.Cur, n) // int64 on some BSDs, uint64 elsewhere
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("raising RLIMIT_NOFILE to %d: %v", n, err)
	}
	t.Cleanup(func() { unix.Setrlimit(unix.RLIMIT_NOFILE, &old) })
}

func setLimit[T int64 | uint64](p *T, n uint64) { *p = T(n) }

// moveTo makes fd's open file description appear at number target (which
// must be free) and closes fd, as the kernel does when it reuses a number.
func moveTo(t *recorder, fd, target int) {
	t.Helper()
	if err := unix.Dup2(fd, target); err != nil {
		t.Fatalf("dup2(%d, %d): %v", fd, target, err)
	}
	closeNow(t, fd)
	t.mu.Lock()
	delete(t.closed, target)
	t.mu.Unlock()
	closeLater(t, target)
}

// selectorHighDescriptor registers descriptor 5000: no backend may be limited
// to FD_SETSIZE where the platform is not.
func selectorHighDescriptor(t *recorder, s api.Selector) {
	const high = 5000
	raiseFileLimit(t, high+1)
	if _, err := unix.FcntlInt(high, unix.F_GETFD, 0); err == nil {
		t.Skipf("descriptor %d is already in use", high)
	}
	a, b := socketPair(t)
	moveTo(t, a, high)
	if err := s.Register(high, api.Readable); err != nil {
		if errors.Is(err, errors.ErrUnsupported) {
			t.Skipf("Register(%d) = %v: refused at registration, as the contract allows where the platform cannot take it", high, err)
		}
		t.Fatalf("Register(%d) = %v; want nil", high, err)
	}
	expectNone(t, s, high)
	write(t, b, "x")
	expect(t, s, time.Second, high, api.Readable, api.Readable)
	if err := s.Unregister(high); err != nil {
		t.Errorf("Unregister(%d) = %v; want nil", high, err)
	}
}

// selectorReuseAfterUnregister unregisters and closes a ready descriptor, lets
// its number be reused, and registers the new one: nothing of the old
// registration may be reported as the new one's.
func selectorReuseAfterUnregister(t *recorder, s api.Selector) {
	a, b := socketPair(t)
	register(t, s, a, api.Readable)
	write(t, b, "x")
	expect(t, s, 0, a, api.Readable, api.Readable)
	if err := s.Unregister(a); err != nil {
		t.Fatalf("Unregister(%d) = %v", a, err)
	}
	closeNow(t, a)
	c, _ := socketPair(t)
	if c != a {
		moveTo(t, c, a)
	}
	register(t, s, a, api.Readable)
	expectNone(t, s, a) // the new socket has no data
	if err := s.Modify(a, api.Writable); err != nil {
		t.Fatalf("Modify(%d, w) = %v", a, err)
	}
	expect(t, s, 0, a, api.Writable, api.Writable)
}

// selectorUnregisterWithEventInBuffer unregisters a descriptor whose event is already in
// the caller's buffer, as a callback earlier in the batch would: the
// selector must forget it at once.
func selectorUnregisterWithEventInBuffer(t *recorder, s api.Selector) {
	twoReadable(t, s)
	evs := sel(t, s, 0)
	if len(evs) != 2 {
		t.Fatalf("Select(timeout=0) = %v; want 2 events", evs)
	}
	// "Run" the first event's callback, which unregisters the other one.
	other := evs[1].Fd
	if err := s.Unregister(other); err != nil {
		t.Fatalf("Unregister(%d) with its event in the buffer = %v; want nil", other, err)
	}
	for range 3 {
		if got, ok := find(t, sel(t, s, 0), other); ok {
			t.Fatalf("fd %d reported ready (%v) after Unregister", other, got)
		}
	}
	if err := s.Unregister(other); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("second Unregister(%d) = %v; want fs.ErrNotExist", other, err)
	}
}

// selectorStaleRegistrationOfDuplicate closes a registered descriptor while a duplicate of
// it stays open, then registers a new file under the same number. epoll
// keeps watching the old file (epoll(7)); its events must not be reported
// as the new registration's.
func selectorStaleRegistrationOfDuplicate(t *recorder, s api.Selector) {
	a, b := socketPair(t)
	register(t, s, a, api.Readable)
	dup, err := unix.Dup(a)
	if err != nil {
		t.Fatalf("dup: %v", err)
	}
	closeLater(t, dup)
	closeNow(t, a) // without Unregister: the old file lives on through dup
	if err := s.Unregister(a); err != nil {
		t.Fatalf("Unregister(%d) after close = %v; want nil", a, err)
	}
	write(t, b, "x") // the old file is readable now
	c, _ := socketPair(t)
	if c != a {
		moveTo(t, c, a)
	}
	register(t, s, a, api.Readable)
	evs := sel(t, s, 10*time.Millisecond)
	if got, ok := find(t, evs, a); ok {
		t.Errorf("Select = %v: fd %d reported %v, but its new file has no data; the event belongs to the old registration", evs, a, got)
	}
	closeNow(t, dup) // the old file is gone now
	expectNone(t, s, a)
}

// selectorClosedWhileRegistered closes a registered descriptor without
// unregistering it: the selector must not fail, spin or stop serving the
// others, and Unregister must still succeed.
func selectorClosedWhileRegistered(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	c, d := socketPair(t)
	register(t, s, a, api.Readable)
	register(t, s, c, api.Readable)
	closeNow(t, a)
	reports := 0
	for i := range 5 {
		write(t, d, "x")
		evs := sel(t, s, time.Second)
		if got, ok := find(t, evs, a); ok {
			reports++
			if got&api.Error == 0 {
				t.Errorf("closed fd %d reported %v; want Error", a, got)
			}
		}
		if _, ok := find(t, evs, c); !ok {
			t.Fatalf("Select #%d = %v; want fd %d still served while closed fd %d is registered", i+1, evs, c, a)
		}
		drain(t, c)
	}
	if reports > 1 {
		t.Errorf("closed fd %d reported by %d Selects; want at most once", a, reports)
	}
	if err := s.Unregister(a); err != nil {
		t.Errorf("Unregister(closed fd %d) = %v; want nil", a, err)
	}
}

func selectorAfterClose(t *recorder, s api.Selector) {
	a, _ := socketPair(t)
	register(t, s, a, api.Readable)
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v; want nil", err)
	}
	b, _ := socketPair(t)
	check := func(call string, err error) {
		if !errors.Is(err, api.ErrClosed) {
			t.Errorf("%s after Close = %v; want an error matching api.ErrClosed", call, err)
		}
	}
	check("Register", s.Register(b, api.Readable))
	check("Modify", s.Modify(a, api.Writable))
	check("Unregister", s.Unregister(a))
	_, err := s.Select(make([]api.Event, 0, 8), 0)
	check("Select", err)
	_, err = s.Select(make([]api.Event, 0, 8), -1)
	check("Select(timeout=-1)", err)
	check("Close", s.Close())
}

func selectorCloseReleasesDescriptors(t *recorder, s api.Selector) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skipf("no /proc/self/fd to count descriptors: %v", err)
	}
	s.Close() // the case's own selector is not needed
	newSelector := t.newSelector
	countFds(t) // the first directory read may open the runtime's poller
	before := countFds(t)
	for range 3 {
		s2, err := newSelector()
		if err != nil {
			t.Fatalf("new selector: %v", err)
		}
		a, b := socketPair(t)
		register(t, s2, a, api.Readable)
		sel(t, s2, 0)
		closeNow(t, a)
		closeNow(t, b)
		if err := s2.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
	}
	if after := countFds(t); after != before {
		t.Errorf("open descriptors: %d before three New/Close cycles, %d after; want equal", before, after)
	}
}

func countFds(t *recorder) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("reading /proc/self/fd: %v", err)
	}
	return len(entries)
}

func selectorSelectAllocs(t *recorder, s api.Selector) {
	a, b := socketPair(t)
	c, _ := socketPair(t)
	register(t, s, a, api.Readable)
	register(t, s, c, api.Writable)
	write(t, b, "x")
	buf := make([]api.Event, 0, 16)
	for _, timeout := range []time.Duration{0, time.Microsecond} {
		var err error
		allocs := allocsPerRun(200, func() {
			buf, err = s.Select(buf[:0], timeout)
		})
		if err != nil {
			t.Fatalf("Select = %v", err)
		}
		if len(buf) != 2 {
			t.Errorf("Select(timeout=%v) = %v; want 2 events", timeout, buf)
		}
		if allocs != 0 {
			t.Errorf("Select(timeout=%v) allocates %v times per call; want 0", timeout, allocs)
		}
	}
}

func selectorEdgeTriggered(t *recorder, s api.Selector) {
	if api.Modes(s)&api.EdgeTriggered == 0 {
		t.Skipf("%s does not declare api.EdgeTriggered", s.Name())
	}
	a, b := socketPair(t)
	register(t, s, a, api.Readable|api.EdgeTriggered)
	write(t, b, "x")
	expect(t, s, time.Second, a, api.Readable, api.Readable)
	expectNone(t, s, a) // no new edge: not reported again
	write(t, b, "y")
	expect(t, s, time.Second, a, api.Readable, api.Readable)
}

func selectorOneShot(t *recorder, s api.Selector) {
	if api.Modes(s)&api.OneShot == 0 {
		t.Skipf("%s does not declare api.OneShot", s.Name())
	}
	a, b := socketPair(t)
	register(t, s, a, api.Readable|api.OneShot)
	write(t, b, "x")
	expect(t, s, time.Second, a, api.Readable, api.Readable)
	write(t, b, "y")
	expectNone(t, s, a) // disarmed until Modify
	if err := s.Modify(a, api.Readable|api.OneShot); err != nil {
		t.Fatalf("Modify(%d, r|oneshot) = %v; want nil", a, err)
	}
	expect(t, s, time.Second, a, api.Readable, api.Readable)
	expectNone(t, s, a)
}
