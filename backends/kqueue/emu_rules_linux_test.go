package kqueue

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The emulator is only a valid stand-in if it follows kqueue(2). These
// tests hold it to the rules the selector depends on.

func emuPair(t *testing.T) (e *emu, a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return new(emu), fds[0], fds[1]
}

func change(fd int, filter int16, flags uint16, udata uint64) []kev {
	return []kev{{ident: uint64(fd), filter: filter, flags: flags, udata: udata}}
}

func wait(t *testing.T, e *emu, d time.Duration) []kev {
	t.Helper()
	evs := make([]kev, 8)
	ts := unix.NsecToTimespec(int64(d))
	n, err := e.kevent(nil, evs, &ts)
	if err != nil {
		t.Fatalf("kevent = %v", err)
	}
	return evs[:n]
}

func TestEmuAddModifies(t *testing.T) {
	e, a, b := emuPair(t)
	e.kevent(change(a, filtRead, evAdd, 1), nil, nil)
	if _, err := e.kevent(change(a, filtRead, evAdd, 2), nil, nil); err != nil {
		t.Fatalf("EV_ADD of an existing note = %v; want nil (it modifies)", err)
	}
	unix.Write(b, []byte("x"))
	evs := wait(t, e, 0)
	if len(evs) != 1 || evs[0].udata != 2 {
		t.Errorf("events %+v; want one, with the new udata 2", evs)
	}
}

func TestEmuErrors(t *testing.T) {
	e, a, _ := emuPair(t)
	if _, err := e.kevent(change(a, filtRead, evDelete, 0), nil, nil); err != unix.ENOENT {
		t.Errorf("EV_DELETE of a missing note, no event list = %v; want ENOENT", err)
	}
	evs := make([]kev, 2)
	n, err := e.kevent(change(a, filtWrite, evEnable, 7), evs, nil)
	if n != 1 || err != nil || evs[0].flags&evError == 0 || evs[0].data != int64(unix.ENOENT) {
		t.Errorf("EV_ENABLE of a missing note with room = %d, %v, %+v; want one EV_ERROR event with data ENOENT", n, err, evs[0])
	}
	if _, err := e.kevent(change(9999, filtRead, evAdd, 0), nil, nil); err != unix.EBADF {
		t.Errorf("EV_ADD of a closed descriptor = %v; want EBADF", err)
	}
}

func TestEmuLevelClearOneshot(t *testing.T) {
	e, a, b := emuPair(t)
	e.kevent(change(a, filtRead, evAdd, 1), nil, nil)
	unix.Write(b, []byte("x"))
	for i := range 3 {
		if evs := wait(t, e, 0); len(evs) != 1 {
			t.Fatalf("level note, call %d: %d events; want 1 while data is unread", i, len(evs))
		}
	}
	e.kevent(change(a, filtRead, evAdd|evClear, 1), nil, nil)
	if evs := wait(t, e, 0); len(evs) != 1 {
		t.Fatalf("EV_CLEAR note: %d events; want the pending data reported once", len(evs))
	}
	if evs := wait(t, e, 0); len(evs) != 0 {
		t.Errorf("EV_CLEAR note, no new data: %d events; want 0", len(evs))
	}
	unix.Write(b, []byte("y"))
	if evs := wait(t, e, 0); len(evs) != 1 || evs[0].data != 2 {
		t.Errorf("EV_CLEAR note after new data: %+v; want one event with 2 bytes pending", evs)
	}
	e.kevent(change(a, filtRead, evAdd|evOneshot, 1), nil, nil)
	if evs := wait(t, e, 0); len(evs) != 1 {
		t.Fatalf("EV_ONESHOT note: %d events; want 1", len(evs))
	}
	if _, err := e.kevent(change(a, filtRead, evDelete, 0), nil, nil); err != unix.ENOENT {
		t.Errorf("EV_DELETE after the one shot = %v; want ENOENT (the note is gone)", err)
	}
}

func TestEmuDisableEnable(t *testing.T) {
	e, a, _ := emuPair(t)
	e.kevent(change(a, filtWrite, evAdd|evDisable, 1), nil, nil)
	if evs := wait(t, e, 0); len(evs) != 0 {
		t.Errorf("note added disabled: %d events; want 0", len(evs))
	}
	e.kevent(change(a, filtWrite, evEnable, 0), nil, nil)
	if evs := wait(t, e, 0); len(evs) != 1 || evs[0].filter != filtWrite {
		t.Errorf("after EV_ENABLE: %+v; want one write event", evs)
	}
}

func TestEmuEOFAndClose(t *testing.T) {
	e, a, b := emuPair(t)
	e.kevent(change(a, filtRead, evAdd, 1), nil, nil)
	unix.Close(b)
	evs := wait(t, e, time.Second)
	if len(evs) != 1 || evs[0].flags&evEOF == 0 {
		t.Fatalf("after the peer closed: %+v; want one read event with EV_EOF", evs)
	}
	dup, _ := unix.Dup(a)
	defer unix.Close(dup)
	unix.Close(a)
	if evs := wait(t, e, 0); len(evs) != 0 {
		t.Errorf("after closing the descriptor (a duplicate stays open): %+v; want none, close deletes its notes", evs)
	}
	if len(e.notes) != 0 {
		t.Errorf("%d notes left after close; want 0", len(e.notes))
	}
}

func TestEmuTimeout(t *testing.T) {
	e, a, _ := emuPair(t)
	e.kevent(change(a, filtRead, evAdd, 1), nil, nil)
	const d = 3 * time.Millisecond
	start := time.Now()
	if evs := wait(t, e, d); len(evs) != 0 || time.Since(start) < d {
		t.Errorf("wait(%v) on an idle note = %v after %v; want nothing, no sooner than %v", d, evs, time.Since(start), d)
	}
}
