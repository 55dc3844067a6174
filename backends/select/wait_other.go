//go:build unix && !linux

package fdselect

import (
	"time"

	"golang.org/x/sys/unix"
)

// fdLimit: beyond FD_SETSIZE, the C library or the kernel may refuse the
// set, so Register refuses the descriptor instead.
const fdLimit = setBits

// waiter calls select, whose timeval has microsecond resolution.
type waiter struct{ tv unix.Timeval }

// waitCall names the system call wait makes, for its errors.
const waitCall = "select"

func (w *waiter) wait(nfd int, r, wr *unix.FdSet, d time.Duration) (int, error) {
	if d < 0 {
		return unix.Select(nfd, r, wr, nil, nil)
	}
	w.tv = unix.NsecToTimeval(int64((d + time.Microsecond - 1) / time.Microsecond * time.Microsecond))
	return unix.Select(nfd, r, wr, nil, &w.tv)
}
