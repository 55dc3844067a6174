package api

import (
	"errors"
	"io/fs"
	"testing"
)

func TestInterestValid(t *testing.T) {
	for in, want := range map[Interest]bool{
		0:                        false,
		Readable:                 true,
		Writable | OneShot:       true,
		Readable | EdgeTriggered: true,
		EdgeTriggered:            false,
		Readable | Error:         false,
		Readable | HangUp:        false,
		Readable | 0x40:          false,
		Readable | Writable | OneShot | EdgeTriggered: true,
	} {
		if got := in.Valid(); got != want {
			t.Errorf("Interest(%v).Valid() = %v; want %v", in, got, want)
		}
	}
}

func TestInterestString(t *testing.T) {
	for in, want := range map[Interest]string{
		0:                        "0",
		Readable:                 "r",
		Readable | Writable:      "r|w",
		Error | HangUp:           "err|hup",
		Writable | EdgeTriggered: "w|et",
		OneShot | 0x80:           "oneshot|0x80",
	} {
		if got := in.String(); got != want {
			t.Errorf("Interest(%#x).String() = %q; want %q", uint8(in), got, want)
		}
	}
}

func TestSentinels(t *testing.T) {
	for _, c := range []struct {
		err error
		std error
	}{
		{ErrRegistered, fs.ErrExist},
		{ErrNotRegistered, fs.ErrNotExist},
		{ErrInterest, fs.ErrInvalid},
		{ErrNilTimer, fs.ErrInvalid},
	} {
		if !errors.Is(c.err, c.std) {
			t.Errorf("errors.Is(%v, %v) = false; want true", c.err, c.std)
		}
	}
}

func TestTimerBefore(t *testing.T) {
	a := &Timer{Deadline: 5, Q: TimerLink{Seq: 2}}
	b := &Timer{Deadline: 5, Q: TimerLink{Seq: 3}}
	c := &Timer{Deadline: 4, Q: TimerLink{Seq: 9}}
	if !a.Before(b) || b.Before(a) || !c.Before(a) || a.Before(a) {
		t.Errorf("Before: want order c, a, b and a not before itself")
	}
	if a.Queued() {
		t.Errorf("zero TimerLink.Pos: Queued() = true; want false")
	}
}

type modal struct{ Selector }

func (modal) Modes() Interest { return OneShot | Readable }

func TestModes(t *testing.T) {
	if got := Modes(modal{}); got != OneShot {
		t.Errorf("Modes = %v; want oneshot (direction bits are not modes)", got)
	}
	if got := Modes(nil); got != 0 {
		t.Errorf("Modes(nil) = %v; want 0", got)
	}
}

func TestMonotonicClock(t *testing.T) {
	c := MonotonicClock()
	a := c.Now()
	b := c.Now()
	if a < 0 || b < a {
		t.Errorf("MonotonicClock: Now() = %d then %d; want non-negative and not decreasing", a, b)
	}
}
