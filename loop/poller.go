package loop

import (
	"os"
	"sync"
)

var pollerOnce sync.Once

// startRuntimePoller makes the Go runtime open its own netpoller (an
// epoll or kqueue descriptor and a wake-up descriptor) now. It does so
// lazily, on the first descriptor it is asked to poll, and aborts the
// process ("runtime: netpollinit failed") if that happens while the
// descriptor table is full, which a busy server on the loop may have
// filled: an os.Pipe or a net.Dial that gets the last free descriptors
// would then take the program down.
func startRuntimePoller() {
	pollerOnce.Do(func() {
		if r, w, err := os.Pipe(); err == nil {
			r.Close()
			w.Close()
		}
	})
}
