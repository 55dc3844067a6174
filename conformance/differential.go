//go:build unix

package conformance

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

// FuzzSelectors is a differential fuzz target: it drives every selector
// that selectors names with the same sequence of operations on the same
// descriptors (register, modify, unregister, write, read, fill, shut down,
// close and reopen, duplicate) and fails where their answers differ: the
// class of each call's error, and the directions each Select(0) reports
// ready. Call it from a fuzz test with at least two selectors:
//
//	func FuzzSelectors(f *testing.F) {
//		conformance.FuzzSelectors(f, map[string]conformance.NewSelector{"epoll": ..., "poll": ...})
//	}
//
// Where the backends' documented behaviours differ (a descriptor closed
// while registered: epoll forgets it, poll and select follow its number),
// that descriptor is left out of the comparison until it is unregistered.
func FuzzSelectors(f *testing.F, selectors map[string]NewSelector) {
	for _, seed := range [][]byte{
		{0, 0x03, 3, 0, 4, 0},
		{0, 0x11, 3, 1, 1, 0x12, 4, 1, 2, 1},
		{0, 0x03, 5, 0, 1, 0x01, 4, 0, 6, 0, 3, 0},
		{0, 0x02, 7, 0, 0, 0x03, 3, 0, 2, 0, 0, 0x03, 3, 0},
		{8, 0, 3, 0, 4, 0, 8, 0, 0, 0x21, 3, 1},
		{0, 0x03, 8, 0, 7, 0, 3, 0, 8, 0},
	} {
		f.Add(seed)
	}
	names := slices.Sorted(maps.Keys(selectors))
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(names) < 2 {
			t.Skip("fewer than two selectors to compare")
		}
		d := newDiff(t, names, selectors)
		defer d.close()
		for i := 0; i+1 < len(ops) && i < 400; i += 2 {
			d.step(ops[i], ops[i+1])
		}
	})
}

const diffSlots = 3

// diffSlot is one socket pair: a is registered, b is its peer; dup, if
// not -1, is a duplicate of a, registered for both directions.
type diffSlot struct {
	a, b, dup int
	stale     bool // a was closed while registered somewhere
}

type diff struct {
	t     *testing.T
	names []string
	sels  []api.Selector
	slots [diffSlots]diffSlot
	log   []string
	buf   []api.Event
}

func newDiff(t *testing.T, names []string, news map[string]NewSelector) *diff {
	d := &diff{t: t, names: names, buf: make([]api.Event, 0, 64)}
	for _, n := range names {
		s, err := news[n]()
		if err != nil {
			t.Fatalf("new %s selector: %v", n, err)
		}
		d.sels = append(d.sels, s)
	}
	for i := range d.slots {
		a, b := d.pair()
		d.slots[i] = diffSlot{a: a, b: b, dup: -1}
	}
	return d
}

func (d *diff) pair() (int, int) {
	fds, err := nonblockingPair()
	if err != nil {
		d.t.Fatalf("socketpair: %v", err)
	}
	return fds[0], fds[1]
}

func (d *diff) close() {
	for _, s := range d.sels {
		s.Close()
	}
	for _, sl := range d.slots {
		unix.Close(sl.a)
		unix.Close(sl.b)
		if sl.dup >= 0 {
			unix.Close(sl.dup)
		}
	}
}

// step applies one operation: op's low nibble is the kind, arg picks the
// slot (low bits) and an interest (bits 4-5).
func (d *diff) step(op, arg byte) {
	sl := &d.slots[int(arg)%diffSlots]
	in := api.Interest(arg>>4) & api.Directions
	if in == 0 {
		in = api.Readable
	}
	switch op % 9 {
	case 0:
		d.call(fmt.Sprintf("Register(a%d, %v)", sl.a, in), sl, func(s api.Selector) error { return s.Register(sl.a, in) })
	case 1:
		d.call(fmt.Sprintf("Modify(a%d, %v)", sl.a, in), sl, func(s api.Selector) error { return s.Modify(sl.a, in) })
	case 2:
		d.call(fmt.Sprintf("Unregister(a%d)", sl.a), nil, func(s api.Selector) error { return s.Unregister(sl.a) })
		sl.stale = false
	case 3:
		d.do(fmt.Sprintf("write(b%d)", sl.b), func() { unix.Write(sl.b, []byte{'x'}) })
	case 4:
		d.do(fmt.Sprintf("read all(a%d)", sl.a), func() { readAll(sl.a) })
	case 5: // fill a's send buffer, or empty it again
		d.do(fmt.Sprintf("fill or drain(a%d)", sl.a), func() {
			if _, err := unix.Write(sl.a, []byte{'y'}); err == unix.EAGAIN {
				readAll(sl.b)
				return
			}
			chunk := make([]byte, 64<<10)
			for {
				if _, err := unix.Write(sl.a, chunk); err != nil {
					return
				}
			}
		})
	case 6:
		d.do(fmt.Sprintf("shutdown(b%d, write)", sl.b), func() { unix.Shutdown(sl.b, unix.SHUT_WR) })
	case 7: // close a without unregistering, and reopen a socket on its number
		d.do(fmt.Sprintf("close and reopen(a%d)", sl.a), func() {
			na, nb := d.pair()
			dupTo(na, sl.a)
			dupTo(nb, sl.b)
			unix.Close(na)
			unix.Close(nb)
			sl.stale = true
		})
	case 8: // a duplicate of a, registered for both directions, or not any more
		if sl.dup < 0 {
			dup, err := unix.Dup(sl.a)
			if err != nil {
				d.t.Fatalf("dup: %v", err)
			}
			sl.dup = dup
			d.call(fmt.Sprintf("Register(dup %d of a%d, r|w)", dup, sl.a), nil, func(s api.Selector) error { return s.Register(dup, api.Directions) })
		} else {
			dup := sl.dup
			d.call(fmt.Sprintf("Unregister(dup %d)", dup), nil, func(s api.Selector) error { return s.Unregister(dup) })
			unix.Close(dup)
			sl.dup = -1
		}
	}
	d.compare()
}

// nonblockingPair returns a non-blocking, close-on-exec socket pair.
func nonblockingPair() ([2]int, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return [2]int{}, err
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			return [2]int{}, err
		}
	}
	return [2]int(fds), nil
}

func readAll(fd int) {
	var buf [64 << 10]byte
	for {
		if n, err := unix.Read(fd, buf[:]); n <= 0 || err != nil {
			return
		}
	}
}

func (d *diff) do(what string, fn func()) {
	d.log = append(d.log, what)
	fn()
}

// call makes the same call on every selector and compares the class of
// the errors, unless the slot is stale.
func (d *diff) call(what string, sl *diffSlot, fn func(api.Selector) error) {
	d.log = append(d.log, what)
	classes := make([]string, len(d.sels))
	for i, s := range d.sels {
		classes[i] = errClass(fn(s))
	}
	if sl != nil && sl.stale {
		return
	}
	d.agree(what, classes)
}

func errClass(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, api.ErrRegistered):
		return "ErrRegistered"
	case errors.Is(err, fs.ErrNotExist):
		return "ErrNotRegistered"
	case errors.Is(err, unix.EBADF):
		return "EBADF"
	case errors.Is(err, api.ErrInterest):
		return "ErrInterest"
	}
	return "other: " + err.Error()
}

// compare polls every selector and compares what each says is ready.
func (d *diff) compare() {
	skip := map[int]bool{}
	for _, sl := range d.slots {
		if sl.stale {
			skip[sl.a] = true
		}
	}
	got := make([]string, len(d.sels))
	for i, s := range d.sels {
		evs, err := s.Select(d.buf[:0], 0)
		if err != nil {
			d.t.Fatalf("%s: Select(0) = %v; after %s", d.names[i], err, strings.Join(d.log, ", "))
		}
		ready := map[int]api.Interest{}
		for _, ev := range evs {
			if !skip[ev.Fd] {
				ready[ev.Fd] |= ev.Ready & api.Directions
			}
		}
		var b strings.Builder
		for _, fd := range slices.Sorted(maps.Keys(ready)) {
			if ready[fd] != 0 {
				fmt.Fprintf(&b, "%d:%v ", fd, ready[fd])
			}
		}
		got[i] = b.String()
	}
	d.agree("Select(0)", got)
}

func (d *diff) agree(what string, got []string) {
	for i := 1; i < len(got); i++ {
		if got[i] != got[0] {
			var b strings.Builder
			for j, g := range got {
				fmt.Fprintf(&b, "\n\t%s: %s", d.names[j], g)
			}
			d.t.Fatalf("%s disagrees between selectors after %s:%s", what, strings.Join(d.log, ", "), b.String())
		}
	}
}
