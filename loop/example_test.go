//go:build unix

package loop_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

func ExampleLoop_CallSoon() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	if _, err := l.CallSoon(func() { fmt.Println("Hello World") }); err != nil {
		log.Fatal(err)
	}
	if _, err := l.CallSoon(l.Stop); err != nil {
		log.Fatal(err)
	}
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	// Output: Hello World
}

func ExampleLoop_CallLater() {
	// A virtual clock makes the example instant; drop it for real time.
	l, err := loop.New(&loop.Options{Clock: loop.NewVirtualClock(0)})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	if _, err := l.CallLater(2*time.Second, func() { fmt.Println("two seconds"); l.Stop() }); err != nil {
		log.Fatal(err)
	}
	if _, err := l.CallLater(time.Second, func() { fmt.Println("one second") }); err != nil {
		log.Fatal(err)
	}
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("virtual time:", time.Duration(l.Now()))
	// Output:
	// one second
	// two seconds
	// virtual time: 2s
}

// Time is the iteration's reading of the clock: callbacks of one iteration
// share it, and a timer's callback never sees a time before its deadline,
// so lateness measured with it is never negative.
func ExampleLoop_Time() {
	l, err := loop.New(&loop.Options{Clock: loop.NewVirtualClock(0)})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	deadline := l.Now() + int64(time.Second)
	if _, err := l.CallAt(deadline, func() {
		fmt.Println("late by", time.Duration(l.Time()-deadline))
		l.Stop()
	}); err != nil {
		log.Fatal(err)
	}
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	// Output: late by 0s
}

func ExampleHandle_Cancel() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	h, err := l.CallLater(time.Hour, func() { fmt.Println("never") })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Cancel(), h.Cancel())
	// Output: true false
}

func ExampleLoop_AddReader() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	// The loop wants non-blocking descriptors. (An *os.File's Fd method
	// switches the file to blocking mode: make descriptors with
	// golang.org/x/sys/unix instead.)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		log.Fatal(err)
	}
	if err := unix.SetNonblock(fds[0], true); err != nil {
		log.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])

	err = l.AddReader(fds[0], func() {
		buf := make([]byte, 100)
		n, err := unix.Read(fds[0], buf)
		if err != nil {
			return // EAGAIN: not readable after all
		}
		fmt.Printf("Received: %s\n", buf[:n])
		l.RemoveReader(fds[0]) // remove before close
		l.Stop()
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := unix.Write(fds[1], []byte("ping")); err != nil {
		log.Fatal(err)
	}
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	// Output: Received: ping
}

func ExampleLoop_CallSoonThreadsafe() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	go func() {
		// From another goroutine: the one safe entry point. A post that
		// returns nil runs, at the latest when the loop is closed.
		if err := l.CallSoonThreadsafe(func() { fmt.Println("posted"); l.Stop() }); err != nil {
			log.Print(err) // the loop was closed
		}
	}()
	if err := l.Run(); err != nil { // sleeps until the post wakes it
		log.Fatal(err)
	}
	// Output: posted
}

func ExampleLoop_SetExceptionHandler() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	l.SetExceptionHandler(func(e *loop.Exception) { fmt.Println(e.Message+":", e.Value) })
	l.CallSoon(func() { panic("oops") })
	l.CallSoon(func() { fmt.Println("the loop goes on") })
	l.CallSoon(l.Stop)
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// callback panicked: oops
	// the loop goes on
}

func ExampleLoop_RunUntil() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ticks := 0
	var tick func()
	tick = func() {
		ticks++
		l.CallLater(time.Millisecond, tick)
	}
	l.CallSoon(tick)
	err = l.RunUntil(ctx) // until the context is done
	fmt.Println(err, ticks > 0)
	// Output: context deadline exceeded true
}

func ExampleLoop_AddSignalHandler() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	// A server stops on SIGTERM the same way; the handler runs on the
	// loop's goroutine, like any callback.
	err = l.AddSignalHandler(syscall.SIGUSR1, func() {
		fmt.Println("got SIGUSR1")
		l.Stop()
	})
	if err != nil {
		log.Fatal(err)
	}
	l.CallSoon(func() { syscall.Kill(os.Getpid(), syscall.SIGUSR1) })
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	// Output: got SIGUSR1
}

func ExampleLoop_Metrics() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	for range 3 {
		l.CallSoon(func() {})
	}
	l.CallSoon(l.Stop)
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	m := l.Metrics()
	fmt.Println(m.Iterations, m.Callbacks)
	// Output: 1 4
}
