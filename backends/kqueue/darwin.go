//go:build darwin

package kqueue

import "golang.org/x/sys/unix"

// darwinCap limits a wait to 1e12 ns: Darwin's kevent fails with EINVAL
// for longer timeouts (the Go runtime's netpoll caps them the same way).
// Select resumes a wait cut short, so the caller still sees its timeout.
func darwinCap(ts *unix.Timespec) *unix.Timespec {
	if ts != nil && ts.Sec >= 1000 {
		ts.Sec, ts.Nsec = 1000, 0
	}
	return ts
}
