//go:build unix && !linux && !openbsd

package poll

import (
	"time"

	"github.com/evloop/evloop/internal/backend"
	"golang.org/x/sys/unix"
)

// wait calls poll, rounding the wait up to whole milliseconds.
// waitCall names the system call wait makes, for its errors.
const waitCall = "poll"

func (s *selector) wait(d time.Duration) (int, error) {
	return unix.Poll(s.pfds, backend.Millis(d))
}
