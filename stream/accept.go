//go:build unix

package stream

import (
	"fmt"
	"time"

	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

// When accept fails for want of resources (EMFILE: the process is out of
// descriptors; ENFILE: the system is; ENOBUFS, ENOMEM), the connection
// stays in the kernel's backlog, and the listener stays readable: retrying
// at once would spin. Instead the listener stops accepting and tries again
// after a pause that doubles from 5 ms to 1 s (net/http's schedule), and
// the condition goes to the loop's exception handler once, when it begins
// (again only after the backlog has been emptied).
// Connections already open are served all along; acceptance resumes by
// itself once descriptors are free. (libuv instead closes a reserve
// descriptor to accept and drop the connection; pausing keeps it queued.)
const (
	minAcceptPause = 5 * time.Millisecond
	maxAcceptPause = time.Second
)

// backoff is a listener's state while accept keeps failing.
type backoff struct {
	pause    time.Duration // 0 while accepting normally
	reported bool
}

// fail records a failed accept and returns how long to wait before the
// next try; the first failure of a run is reported.
func (b *backoff) fail(l *loop.Loop, ln *Listener, err error) time.Duration {
	if b.pause == 0 {
		b.pause = minAcceptPause
	} else {
		b.pause = min(2*b.pause, maxAcceptPause)
	}
	if !b.reported {
		b.reported = true
		l.CallExceptionHandler(&loop.Exception{
			Message: fmt.Sprintf("stream: accept on %v paused (retrying every %v at most): %v", ln.addr, maxAcceptPause, err),
			Err:     fmt.Errorf("stream: accept: %w", err),
		})
	}
	return b.pause
}

// accepted ends a run of failures: the next one pauses briefly again. It
// is not reported again, though, until the backlog has been drained
// (drained): a server at its limit, where every closed connection lets one
// more in, would otherwise report every time.
func (b *backoff) accepted() { b.pause = 0 }

// drained says that accept found the backlog empty: the condition is over.
func (b *backoff) drained() { *b = backoff{} }

// resourceError reports whether an accept failed for want of resources,
// which pass, rather than because of the listener.
func resourceError(err error) bool {
	switch err {
	case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
		return true
	}
	return false
}
