package kqueue

import (
	"time"

	"golang.org/x/sys/unix"
)

// emu is kevent(2) emulated on poll(2), for testing the selector's
// portable logic on Linux. It follows the rules of the kqueue(2) manual
// that the selector relies on:
//
//   - EV_ADD adds a note, or modifies the one with the same (ident,
//     filter) without a duplicate; it enables the note unless EV_DISABLE
//     is given.
//   - EV_DELETE, EV_ENABLE and EV_DISABLE of a missing note fail with
//     ENOENT; EV_ADD of a closed descriptor fails with EBADF.
//   - A failing change is reported as an EV_ERROR event (data = errno)
//     when the event list has room, and then kevent returns at once;
//     without room, kevent returns -1 with the errno.
//   - A level note is reported while its condition holds; EV_CLEAR
//     reports a change of state once (new data, newly writable);
//     EV_ONESHOT deletes the note after its first report.
//   - EV_EOF marks a read note whose peer has closed, a write note whose
//     peer is gone.
//   - Closing a descriptor deletes its notes (the emulator notices when
//     the file under a number changes).
type emu struct {
	notes  []*note
	closed bool
	pfds   []unix.PollFd // reused: a selector's Select must not allocate
	fired  []*note
}

type note struct {
	ident    uint64
	filter   int16
	flags    uint16 // evOneshot, evClear as given
	disabled bool
	udata    uint64
	dev, ino uint64 // the file the note was added for

	lastData     int64 // EV_CLEAR read: bytes pending at the last report
	eofReported  bool
	lastWritable bool
}

func (e *emu) find(ident uint64, filter int16) (int, *note) {
	for i, n := range e.notes {
		if n.ident == ident && n.filter == filter {
			return i, n
		}
	}
	return -1, nil
}

func fileID(fd int) (dev, ino uint64, err error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, 0, err
	}
	return st.Dev, st.Ino, nil
}

func (e *emu) change(c kev) error {
	if c.filter != filtRead && c.filter != filtWrite {
		return unix.EINVAL
	}
	e.forgetClosed()
	i, n := e.find(c.ident, c.filter)
	switch {
	case c.flags&evAdd != 0:
		dev, ino, err := fileID(int(c.ident))
		if err != nil {
			return err
		}
		if n == nil {
			n = &note{ident: c.ident, filter: c.filter}
			e.notes = append(e.notes, n)
		}
		n.flags = c.flags & (evOneshot | evClear)
		n.udata, n.dev, n.ino = c.udata, dev, ino
		n.disabled = c.flags&evDisable != 0
		return nil
	case n == nil:
		return unix.ENOENT
	case c.flags&evDelete != 0:
		e.notes = append(e.notes[:i], e.notes[i+1:]...)
	case c.flags&evEnable != 0:
		n.disabled = false
	case c.flags&evDisable != 0:
		n.disabled = true
	}
	return nil
}

// forgetClosed deletes the notes whose descriptor was closed (or now names
// another file), as close(2) does in a real kqueue.
func (e *emu) forgetClosed() {
	kept := e.notes[:0]
	for _, n := range e.notes {
		if dev, ino, err := fileID(int(n.ident)); err == nil && dev == n.dev && ino == n.ino {
			kept = append(kept, n)
		}
	}
	e.notes = kept
}

func (e *emu) kevent(changes, events []kev, timeout *unix.Timespec) (int, error) {
	if e.closed {
		return -1, unix.EBADF
	}
	errs := 0
	for _, c := range changes {
		if err := e.change(c); err != nil {
			if errs == len(events) {
				return -1, err
			}
			events[errs] = kev{ident: c.ident, filter: c.filter, flags: evError, data: int64(err.(unix.Errno)), udata: c.udata}
			errs++
		}
	}
	if errs > 0 || len(events) == 0 {
		return errs, nil
	}
	var deadline time.Time
	if timeout != nil {
		deadline = time.Now().Add(time.Duration(timeout.Nano()))
	}
	for {
		// Wait in slices of at most a millisecond: an EV_CLEAR note whose
		// condition holds but has been reported keeps poll returning, and
		// must not make the emulator spin or wait past its timeout.
		slice := time.Millisecond
		if timeout != nil {
			slice = min(slice, time.Until(deadline))
		}
		n, err := e.scan(events, max(slice, 0))
		if err != nil || n > 0 {
			return n, err
		}
		if timeout != nil && !time.Now().Before(deadline) {
			return 0, nil
		}
	}
}

// scan polls the enabled notes once, waiting at most wait, and reports the
// ones that fire.
func (e *emu) scan(events []kev, wait time.Duration) (int, error) {
	e.forgetClosed()
	pfds := e.pfds[:0]
	for _, n := range e.notes {
		if n.disabled {
			continue
		}
		ev := int16(unix.POLLIN | unix.POLLRDHUP)
		if n.filter == filtWrite {
			ev = unix.POLLOUT
		}
		pfds = append(pfds, unix.PollFd{Fd: int32(n.ident), Events: ev})
	}
	e.pfds = pfds
	ts := unix.NsecToTimespec(int64(wait))
	if _, err := unix.Ppoll(pfds, &ts, nil); err != nil {
		return 0, err // EINTR included, as the real call
	}
	count, j := 0, 0
	fired := e.fired[:0]
	for _, n := range e.notes {
		if n.disabled {
			continue
		}
		re := pfds[j].Revents
		j++
		k, ok := n.check(re)
		if !ok || count == len(events) {
			continue
		}
		events[count] = k
		count++
		fired = append(fired, n)
	}
	e.fired = fired
	for _, n := range fired {
		if n.flags&evOneshot != 0 {
			i, _ := e.find(n.ident, n.filter)
			e.notes = append(e.notes[:i], e.notes[i+1:]...)
		}
	}
	return count, nil
}

// check decides whether n fires given poll's revents, updating its
// EV_CLEAR state, and returns the event it reports.
func (n *note) check(re int16) (kev, bool) {
	k := kev{ident: n.ident, filter: n.filter, flags: n.flags, udata: n.udata}
	if n.filter == filtRead {
		eof := re&(unix.POLLHUP|unix.POLLRDHUP) != 0
		ready := re&(unix.POLLIN|unix.POLLERR) != 0 || eof
		if eof {
			k.flags |= evEOF
		}
		if n.flags&evClear != 0 {
			data, _ := unix.IoctlGetInt(int(n.ident), unix.TIOCINQ) // FIONREAD
			k.data = int64(data)
			fire := ready && (k.data > n.lastData || eof && !n.eofReported)
			if fire {
				n.lastData, n.eofReported = k.data, eof
			} else {
				n.lastData = min(n.lastData, k.data)
			}
			return k, fire
		}
		return k, ready
	}
	writable := re&unix.POLLOUT != 0
	eof := re&(unix.POLLHUP|unix.POLLERR) != 0
	if eof {
		k.flags |= evEOF
	}
	if n.flags&evClear != 0 {
		fire := (writable || eof) && !n.lastWritable
		n.lastWritable = writable || eof
		return k, fire
	}
	return k, writable || eof
}

func (e *emu) close() error {
	if e.closed {
		return unix.EBADF
	}
	e.closed, e.notes = true, nil
	return nil
}
