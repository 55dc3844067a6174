//go:build unix

package backend

import (
	"errors"
	"io/fs"
	"math"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

func TestMillisRoundsUp(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want int
	}{
		{-1, -1},
		{0, 0},
		{1, 1},
		{time.Millisecond, 1},
		{time.Millisecond + 1, 2},
		{1500 * time.Microsecond, 2},
		{time.Second, 1000},
		{math.MaxInt64, math.MaxInt32},
		{time.Duration(math.MaxInt32) * time.Millisecond, math.MaxInt32},
	} {
		if got := Millis(c.d); got != c.want {
			t.Errorf("Millis(%v) = %d; want %d", c.d, got, c.want)
		}
	}
}

func TestWait(t *testing.T) {
	forever := StartWait(-5)
	if forever.Left() >= 0 || !forever.Resume() || forever.Left() >= 0 {
		t.Errorf("StartWait(-5): Left() = %v, want negative (no limit), and Resume() true", forever.Left())
	}
	if w := StartWait(math.MaxInt64); w.Left() >= 0 {
		t.Errorf("StartWait(MaxInt64).Left() = %v; want negative: an overflowing deadline means no limit", w.Left())
	}
	poll := StartWait(0)
	if poll.Left() != 0 || poll.Resume() {
		t.Errorf("StartWait(0): Left() = %v, Resume() = true; want 0 and false", poll.Left())
	}
	w := StartWait(time.Hour)
	if w.Left() != time.Hour {
		t.Errorf("StartWait(1h).Left() = %v; want 1h before any resume", w.Left())
	}
	if !w.Resume() || w.Left() <= 0 || w.Left() >= time.Hour {
		t.Errorf("StartWait(1h) resumed: Left() = %v; want in (0, 1h)", w.Left())
	}
	start := time.Now() // before StartWait reads the clock: the wait is measured from then
	w = StartWait(time.Millisecond)
	for w.Resume() {
	}
	if took := time.Since(start); took < time.Millisecond || w.Left() != 0 {
		t.Errorf("Resume() became false after %v with Left() = %v; want no sooner than 1ms, and 0", took, w.Left())
	}
}

func TestCheckInterest(t *testing.T) {
	if err := CheckInterest(api.Readable|api.Writable, 0); err != nil {
		t.Errorf("CheckInterest(r|w) = %v; want nil", err)
	}
	if err := CheckInterest(api.Readable|api.EdgeTriggered, api.EdgeTriggered); err != nil {
		t.Errorf("CheckInterest(r|et) with et declared = %v; want nil", err)
	}
	err := CheckInterest(api.Readable|api.OneShot, api.EdgeTriggered)
	if !errors.Is(err, errors.ErrUnsupported) || !errors.Is(err, api.ErrInterest) {
		t.Errorf("CheckInterest(r|oneshot) without oneshot = %v; want ErrInterest and ErrUnsupported", err)
	}
	if err := CheckInterest(api.HangUp, 0); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("CheckInterest(hup) = %v; want fs.ErrInvalid", err)
	}
}

func TestCheckFd(t *testing.T) {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[1])
	if err := CheckFd(p[0]); err != nil {
		t.Errorf("CheckFd(open pipe) = %v; want nil", err)
	}
	unix.Close(p[0])
	past := int64(math.MaxInt32) + 1 // a variable: it wraps on 32-bit systems
	for _, fd := range []int{p[0], -1, int(past)} {
		if err := CheckFd(fd); !errors.Is(err, unix.EBADF) {
			t.Errorf("CheckFd(%d) = %v; want EBADF", fd, err)
		}
	}
}
