//go:build unix

// Command hello is the smallest event loop that evloop's parts make: it
// waits on a pipe through the default selector (epoll on Linux; set
// EVLOOP_BACKEND=poll or select to try another) and fires timers from the
// heap queue, computing each wait from the next deadline, as asyncio's
// _run_once does. (The full loop, package loop, does the same with
// callbacks, cancellation and a thread-safe wake-up.)
//
//	go run ./examples/hello
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends"
	"github.com/evloop/evloop/timers/heap"
	"golang.org/x/sys/unix"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer) error {
	sel, err := backends.NewDefault()
	if err != nil {
		return err
	}
	defer sel.Close()
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		return err
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	if err := sel.Register(p[0], api.Readable); err != nil {
		return err
	}

	clock := api.MonotonicClock()
	timers := heap.New()
	done := false
	at := func(d time.Duration, fn func()) {
		timers.Push(&api.Timer{Deadline: clock.Now() + int64(d), Value: fn})
	}
	at(30*time.Millisecond, func() { unix.Write(p[1], []byte("hello, world")) })
	at(10*time.Millisecond, func() { fmt.Fprintln(out, "timer: 10ms") })
	at(20*time.Millisecond, func() { fmt.Fprintln(out, "timer: 20ms") })
	at(50*time.Millisecond, func() { fmt.Fprintln(out, "timer: 50ms, stopping"); done = true })

	events := make([]api.Event, 0, 8)
	var due []func()
	for !done {
		wait := time.Duration(-1)
		if next, ok := timers.NextDeadline(); ok {
			wait = time.Duration(max(next-clock.Now(), 0))
		}
		events, err = sel.Select(events[:0], wait)
		if err != nil {
			return err
		}
		for _, ev := range events {
			buf := make([]byte, 64)
			n, _ := unix.Read(ev.Fd, buf)
			fmt.Fprintf(out, "fd %d is %v: read %q\n", ev.Fd, ev.Ready, buf[:n])
		}
		due = due[:0]
		timers.Expire(clock.Now(), func(t *api.Timer) { due = append(due, t.Value.(func())) })
		for _, fn := range due {
			fn()
		}
	}
	fmt.Fprintf(out, "done: selector %s, %d timers left\n", sel.Name(), timers.Len())
	return nil
}
