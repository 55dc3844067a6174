//go:build unix

package backend

import (
	"errors"
	"testing"

	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

func TestTable(t *testing.T) {
	var tb Table
	if tb.Lookup(3) != nil || tb.Lookup(-1) != nil {
		t.Fatal("empty table: Lookup found a registration")
	}
	g1 := tb.NextGen()
	tb.Set(3, Reg{Gen: g1, Interest: api.Readable})
	r := tb.Lookup(3)
	if r == nil || r.Gen != g1 || r.Interest != api.Readable {
		t.Fatalf("Lookup(3) = %+v; want gen %d, r", r, g1)
	}
	if tb.Lookup(2) != nil {
		t.Errorf("Lookup(2) found a registration; only 3 was set")
	}
	*r = Reg{}
	if tb.Lookup(3) != nil {
		t.Errorf("Lookup(3) after clearing found a registration")
	}
	tb.gen = ^uint32(0)
	if g := tb.NextGen(); g == 0 {
		t.Errorf("NextGen() wrapped to 0, the value that means none")
	}
}

func TestCheck(t *testing.T) {
	var c Core
	if err := c.check(-1, api.Readable); !errors.Is(err, unix.EBADF) {
		t.Errorf("check(fd -1) = %v; want EBADF", err)
	}
	if err := c.check(3, 0); !errors.Is(err, api.ErrInterest) {
		t.Errorf("check(interest 0) = %v; want api.ErrInterest", err)
	}
	if err := c.check(3, api.Readable|api.OneShot); !errors.Is(err, api.ErrInterest) {
		t.Errorf("check(undeclared mode) = %v; want api.ErrInterest", err)
	}
	if err := c.check(3, api.Writable); err != nil {
		t.Errorf("check(valid) = %v; want nil", err)
	}
	c.closed = true
	if err := c.check(3, api.Readable); !errors.Is(err, api.ErrClosed) {
		t.Errorf("check(closed) = %v; want api.ErrClosed", err)
	}
}

func TestReady(t *testing.T) {
	for _, c := range []struct{ r, want, out api.Interest }{
		{api.Readable, api.Readable, api.Readable},
		{api.Readable | api.Writable, api.Readable, api.Readable},
		{api.HangUp, api.Readable | api.Writable, api.HangUp | api.Readable | api.Writable},
		{api.Error, api.Writable, api.Error | api.Writable},
		{api.Writable, api.Readable, 0},
	} {
		if got := Ready(c.r, c.want); got != c.out {
			t.Errorf("Ready(%v, %v) = %v; want %v", c.r, c.want, got, c.out)
		}
	}
}
