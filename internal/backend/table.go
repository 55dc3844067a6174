package backend

import "github.com/evloop/evloop/api"

// A Reg is one descriptor's registration in a Table.
type Reg struct {
	Gen      uint32 // nonzero while registered
	Interest api.Interest
	Silenced bool  // closed while registered and reported once (select)
	Slot     int32 // the mechanism's own: an array index (poll), an arming (io_uring)
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

// Current returns fd's registration if its generation is gen: the kernel's
// report of an earlier registration of the same number gets nil.
func (t *Table) Current(fd int, gen uint32) *Reg {
	if r := t.Lookup(fd); r != nil && r.Gen == gen {
		return r
	}
	return nil
}

// Len returns one more than the highest descriptor the table has room for.
func (t *Table) Len() int { return len(t.regs) }

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

// A Flag pairs a bit (or bits) of a mechanism's event mask with the api's.
type Flag struct {
	Kernel   uint32
	Interest api.Interest
}

// Flags is a mechanism's translation table.
type Flags []Flag

// Mask returns the kernel's mask for a registration of in.
func (fs Flags) Mask(in api.Interest) uint32 {
	var m uint32
	for _, f := range fs {
		if in&f.Interest != 0 {
			m |= f.Kernel
		}
	}
	return m
}

// Ready translates what the kernel reports, ev, for a registration of
// want (see [Ready]).
func (fs Flags) Ready(ev uint32, want api.Interest) api.Interest {
	var r api.Interest
	for _, f := range fs {
		if ev&f.Kernel != 0 {
			r |= f.Interest
		}
	}
	return Ready(r, want)
}

// A Merger folds several kernel reports for one descriptor (kqueue's two
// filters, io_uring's completions) into one event per descriptor.
type Merger struct{ at []int32 } // at[fd] is 1+fd's index in the batch

// Add appends fd's readiness to events, or ors it into fd's event if one
// was appended since start.
func (m *Merger) Add(events []api.Event, start, fd int, ready api.Interest) []api.Event {
	for fd >= len(m.at) {
		m.at = append(m.at, 0)
	}
	if j := int(m.at[fd]) - 1; j >= start && j < len(events) && events[j].Fd == fd {
		events[j].Ready |= ready
		return events
	}
	m.at[fd] = int32(len(events) + 1)
	return append(events, api.Event{Fd: fd, Ready: ready})
}
