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
	if err := Check(true, 3, api.Readable, 0); !errors.Is(err, api.ErrClosed) {
		t.Errorf("Check(closed) = %v; want api.ErrClosed", err)
	}
	if err := Check(false, -1, api.Readable, 0); !errors.Is(err, unix.EBADF) {
		t.Errorf("Check(fd -1) = %v; want EBADF", err)
	}
	if err := Check(false, 3, 0, 0); !errors.Is(err, api.ErrInterest) {
		t.Errorf("Check(interest 0) = %v; want api.ErrInterest", err)
	}
	if err := Check(false, 3, api.Writable, 0); err != nil {
		t.Errorf("Check(valid) = %v; want nil", err)
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
