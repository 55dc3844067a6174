// Package backend is the core every readiness backend shares, as Redis's
// ae and libev have one: the [api.Selector] contract is kept here once
// (argument checks, the registration table and its generations, waits
// resumed after EINTR with the time remaining, errors named after the
// backend and the call), and a backend is only the translation between
// this core and its kernel mechanism, a [Mechanism].
package backend

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/evloop/evloop/api"
)

// A Mechanism is the kernel side of a selector; a backend's selector type
// embeds a [Core] and implements Mechanism, and its constructor returns it
// as an [api.Selector]. The core calls the mechanism only after the
// contract's checks have passed: Add for a descriptor not yet registered,
// Mod and Del for one that is, nothing after Release.
// Errors from system calls come back as *os.SyscallError naming the call,
// except EINTR from Wait, which comes back bare for the core to resume.
type Mechanism interface {
	// Add starts watching fd as r says; r.Gen tags what the kernel
	// reports, and the mechanism may keep its own state in r.Slot.
	Add(fd int, r *Reg) error
	// Mod changes fd's registration r (still the old one) to in.
	Mod(fd int, r *Reg, in api.Interest) error
	// Del stops watching fd, whose registration was r; the table has
	// forgotten it already. A descriptor closed while registered is no
	// error.
	Del(fd int, r Reg) error
	// Wait waits at most d (negative: without limit; zero: poll) and
	// appends what is ready to events, within its capacity, which is never
	// full. It may return early with nothing; the core waits again for
	// what is left.
	Wait(events []api.Event, d time.Duration) ([]api.Event, error)
	// Release releases the mechanism's kernel objects, once.
	Release() error
}

// Config describes a mechanism to its core.
type Config struct {
	Name  string       // as the registry knows it
	Modes api.Interest // the mode bits Register and Modify accept
	// CheckFiles makes Register refuse, with one fstat, a closed
	// descriptor, a regular file and a directory: for mechanisms that
	// would call a file ready for ever instead of refusing it as epoll does.
	CheckFiles bool
}

// A Core implements [api.Selector] over a [Mechanism]: the type that
// embeds it, whose constructor calls Init.
type Core struct {
	Regs   Table // the registrations, which the mechanism reads
	cfg    Config
	m      Mechanism
	short  error
	closed bool
}

var _ api.Selector = (*Core)(nil)

// Init binds the core and its mechanism to each other.
func (c *Core) Init(cfg Config, m Mechanism) {
	c.cfg, c.m = cfg, m
	c.short = fmt.Errorf("%s: select: no spare capacity in the event buffer: %w", cfg.Name, io.ErrShortBuffer)
}

// Name implements [api.Selector].
func (c *Core) Name() string { return c.cfg.Name }

// Modes implements [api.Moder].
func (c *Core) Modes() api.Interest { return c.cfg.Modes }

func (c *Core) fail(op string, fd int, err error) error {
	return fmt.Errorf("%s: %s fd %d: %w", c.cfg.Name, op, fd, err)
}

// check validates a Register or Modify call before anything is looked up.
func (c *Core) check(fd int, in api.Interest) error {
	if c.closed {
		return api.ErrClosed
	}
	if fd < 0 {
		return syscall.EBADF
	}
	return CheckInterest(in, c.cfg.Modes)
}

// Register implements [api.Selector].
func (c *Core) Register(fd int, in api.Interest) error {
	if err := c.check(fd, in); err != nil {
		return c.fail("register", fd, err)
	}
	if c.Regs.Lookup(fd) != nil {
		return c.fail("register", fd, api.ErrRegistered)
	}
	if c.cfg.CheckFiles {
		if err := CheckPollable(fd); err != nil {
			return c.fail("register", fd, err)
		}
	}
	c.Regs.Set(fd, Reg{Gen: c.Regs.NextGen(), Interest: in})
	if err := c.m.Add(fd, c.Regs.Lookup(fd)); err != nil {
		c.Regs.Set(fd, Reg{})
		return c.fail("register", fd, err)
	}
	return nil
}

// Modify implements [api.Selector]; it re-arms a one-shot registration and
// one silenced after its descriptor was closed.
func (c *Core) Modify(fd int, in api.Interest) error {
	if err := c.check(fd, in); err != nil {
		return c.fail("modify", fd, err)
	}
	r := c.Regs.Lookup(fd)
	if r == nil {
		return c.fail("modify", fd, api.ErrNotRegistered)
	}
	if err := c.m.Mod(fd, r, in); err != nil {
		return c.fail("modify", fd, err)
	}
	r.Interest, r.Silenced = in, false
	return nil
}

// Unregister implements [api.Selector]. The registration is forgotten even
// if the kernel refuses to let it go.
func (c *Core) Unregister(fd int) error {
	if c.closed {
		return c.fail("unregister", fd, api.ErrClosed)
	}
	r := c.Regs.Lookup(fd)
	if r == nil {
		return c.fail("unregister", fd, api.ErrNotRegistered)
	}
	old := *r
	*r = Reg{}
	if err := c.m.Del(fd, old); err != nil {
		return c.fail("unregister", fd, err)
	}
	return nil
}

// Select implements [api.Selector].
func (c *Core) Select(events []api.Event, timeout time.Duration) ([]api.Event, error) {
	if c.closed {
		return events, fmt.Errorf("%s: select: %w", c.cfg.Name, api.ErrClosed)
	}
	if len(events) == cap(events) {
		return events, c.short
	}
	w := StartWait(timeout)
	for {
		start := len(events)
		var err error
		events, err = c.m.Wait(events, w.Left())
		switch {
		case len(events) > start:
			return events, nil
		case err == syscall.EINTR:
			w.Resume() // and poll again even if no time is left
			continue
		case err != nil:
			return events, fmt.Errorf("%s: select: %w", c.cfg.Name, err)
		}
		// Nothing but reports of registrations that are gone, or woken
		// early on this clock (a wait cut to the mechanism's longest).
		if !w.Resume() {
			return events, nil
		}
	}
}

// Close implements [api.Selector]; it drops the registrations and closes
// the mechanism.
func (c *Core) Close() error {
	if c.closed {
		return fmt.Errorf("%s: close: %w", c.cfg.Name, api.ErrClosed)
	}
	c.closed = true
	c.Regs = Table{}
	if err := c.m.Release(); err != nil {
		return fmt.Errorf("%s: close: %w", c.cfg.Name, err)
	}
	return nil
}

// CheckInterest returns nil if in is a valid registration for a selector
// accepting the mode bits modes.
func CheckInterest(in, modes api.Interest) error {
	if !in.Valid() {
		return fmt.Errorf("%w: %v", api.ErrInterest, in)
	}
	if extra := in &^ (api.Directions | modes); extra != 0 {
		return fmt.Errorf("%w: mode %v: %w", api.ErrInterest, extra, errors.ErrUnsupported)
	}
	return nil
}

// Unsupported returns the error a backend's constructor gives on a
// platform without its mechanism.
func Unsupported(name string) error {
	return fmt.Errorf("%s: %w on this platform", name, errors.ErrUnsupported)
}
