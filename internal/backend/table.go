//go:build unix

package backend

import (
	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

// A Reg is one descriptor's registration in a Table.
type Reg struct {
	Gen      uint32 // nonzero while registered
	Interest api.Interest
	Silenced bool // closed while registered and reported once (select)
}

// A Table holds a selector's registrations, indexed by descriptor, and
// hands out the generations that tell a registration from an earlier one
// of the same descriptor number.
type Table struct {
	regs []Reg
	gen  uint32
}

// Lookup returns fd's registration, or nil if fd is not registered.
func (t *Table) Lookup(fd int) *Reg {
	if fd < 0 || fd >= len(t.regs) || t.regs[fd].Gen == 0 {
		return nil
	}
	return &t.regs[fd]
}

// NextGen returns a fresh generation; never 0, which means "none".
func (t *Table) NextGen() uint32 {
	t.gen++
	if t.gen == 0 {
		t.gen = 1
	}
	return t.gen
}

// Set records fd's registration (a zero Reg forgets it).
func (t *Table) Set(fd int, r Reg) {
	if fd >= len(t.regs) {
		t.regs = append(t.regs, make([]Reg, fd+1-len(t.regs))...)
	}
	t.regs[fd] = r
}

// Check validates a Register or Modify call: the selector open, the
// descriptor not negative, the interest valid for the modes it declares.
func Check(closed bool, fd int, interest, modes api.Interest) error {
	if closed {
		return api.ErrClosed
	}
	if fd < 0 {
		return unix.EBADF
	}
	return CheckInterest(interest, modes)
}

// Ready finishes the translation of a kernel's readiness r for a
// registration of want: an error or hang-up makes every registered
// direction ready, as libuv and the Go runtime do, so that the caller's
// read or write meets the condition instead of waiting for it; directions
// not registered are dropped.
func Ready(r, want api.Interest) api.Interest {
	if r&(api.Error|api.HangUp) != 0 {
		r |= want & api.Directions
	}
	return r & (want&api.Directions | api.Error | api.HangUp)
}
