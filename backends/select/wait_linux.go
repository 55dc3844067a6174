package fdselect

import (
	"math"
	"time"

	"golang.org/x/sys/unix"
)

// fdLimit: Linux takes sets of any size up to the descriptor limit.
const fdLimit = math.MaxInt32

// waiter calls pselect6, whose timespec gives nanosecond resolution.
type waiter struct{ ts unix.Timespec }

// waitCall names the system call wait makes, for its errors.
const waitCall = "pselect6"

func (w *waiter) wait(nfd int, r, wr *unix.FdSet, d time.Duration) (int, error) {
	if d < 0 {
		return unix.Pselect(nfd, r, wr, nil, nil, nil)
	}
	w.ts = unix.NsecToTimespec(int64(d))
	return unix.Pselect(nfd, r, wr, nil, &w.ts, nil)
}
