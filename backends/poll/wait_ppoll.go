//go:build linux || openbsd

package poll

import (
	"time"

	"golang.org/x/sys/unix"
)

// wait calls ppoll, whose timespec gives the wait nanosecond resolution.
// waitCall names the system call wait makes, for its errors.
const waitCall = "ppoll"

func (s *selector) wait(d time.Duration) (int, error) {
	if d < 0 {
		return unix.Ppoll(s.pfds, nil, nil)
	}
	s.ts = unix.NsecToTimespec(int64(d))
	return unix.Ppoll(s.pfds, &s.ts, nil)
}
