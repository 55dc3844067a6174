//go:build unix

package poll_test

import (
	"fmt"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends/poll"
	"golang.org/x/sys/unix"
)

func Example() {
	sel, err := poll.New()
	if err != nil {
		panic(err)
	}
	defer sel.Close()

	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		panic(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])

	sel.Register(p[0], api.Readable)
	unix.Write(p[1], []byte("x"))

	events := make([]api.Event, 0, 16) // reused: Select appends, never allocates
	events, err = sel.Select(events[:0], time.Second)
	for _, ev := range events {
		fmt.Println(ev.Fd == p[0], ev.Ready, err)
	}
	// Output: true r <nil>
}
