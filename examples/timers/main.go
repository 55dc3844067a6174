// Command timers is asyncio's call_later and call_at in Go:
//
//	# Call hello() in 5 seconds
//	call_at(time.time() + 5, hello)
//
// It schedules three timers out of order, cancels one, and prints them as
// they fire, in deadline order, with how late each was (never early).
//
//	go run ./examples/timers
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/evloop/evloop/loop"
)

func main() {
	if err := run(os.Stdout, nil); err != nil {
		log.Fatal(err)
	}
}

// run prints the timers as they fire; opts lets the test use a virtual
// clock, which makes the lateness exactly zero.
func run(out io.Writer, opts *loop.Options) error {
	l, err := loop.New(opts)
	if err != nil {
		return err
	}
	defer l.Close()
	start := l.Now()
	var errs []error
	at := func(d time.Duration, name string, last bool) loop.Handle {
		h, err := l.CallLater(d, func() {
			late := time.Duration(l.Now()-start) - d
			fmt.Fprintf(out, "%-7s due at %v, %s late\n", name, d, late.Round(time.Millisecond))
			if last {
				l.Stop()
			}
		})
		errs = append(errs, err)
		return h
	}
	at(300*time.Millisecond, "third", true)
	at(100*time.Millisecond, "first", false)
	never := at(200*time.Millisecond, "never", false)
	at(200*time.Millisecond, "second", false)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if never.Cancel() {
		fmt.Fprintln(out, "cancelled \"never\" before it was due")
	}
	return l.Run()
}
