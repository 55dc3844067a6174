// Command hello is asyncio's call_soon in Go, the smallest evloop program:
//
//	def hello():
//	    print("Hello World")
//	call_soon(hello)
//
// It schedules a callback, runs the loop until the callback stops it, and
// says which backend and timer queue the loop chose (set EVLOOP_BACKEND or
// EVLOOP_TIMERS to choose others).
//
//	go run ./examples/hello
package main

import (
	"fmt"
	"io"
	"log"
	"os"

	"github.com/evloop/evloop/loop"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer) error {
	l, err := loop.New(nil)
	if err != nil {
		return err
	}
	defer l.Close()
	l.CallSoon(func() {
		fmt.Fprintln(out, "Hello World")
		l.Stop()
	})
	if err := l.Run(); err != nil {
		return err
	}
	fmt.Fprintf(out, "(backend %s, timers %s)\n", l.Backend(), l.TimerQueue())
	return nil
}
