package loop_test

import (
	"fmt"
	"time"

	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

func ExampleLoop_CallSoon() {
	l, _ := loop.New(nil)
	defer l.Close()
	l.CallSoon(func() { fmt.Println("Hello World") })
	l.CallSoon(l.Stop)
	l.Run()
	// Output: Hello World
}

func ExampleLoop_CallLater() {
	// A virtual clock makes the example instant; drop it for real time.
	l, _ := loop.New(&loop.Options{Clock: loop.NewVirtualClock(0)})
	defer l.Close()
	l.CallLater(2*time.Second, func() { fmt.Println("two seconds"); l.Stop() })
	l.CallLater(time.Second, func() { fmt.Println("one second") })
	l.Run()
	fmt.Println("virtual time:", time.Duration(l.Now()))
	// Output:
	// one second
	// two seconds
	// virtual time: 2s
}

func ExampleHandle_Cancel() {
	l, _ := loop.New(nil)
	defer l.Close()
	h, _ := l.CallLater(time.Hour, func() { fmt.Println("never") })
	fmt.Println(h.Cancel(), h.Cancel())
	// Output: true false
}

func ExampleLoop_AddReader() {
	l, _ := loop.New(nil)
	defer l.Close()
	fds, _ := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])

	l.AddReader(fds[0], func() {
		buf := make([]byte, 100)
		n, _ := unix.Read(fds[0], buf)
		fmt.Printf("Received: %s\n", buf[:n])
		l.RemoveReader(fds[0])
		l.Stop()
	})
	unix.Write(fds[1], []byte("ping"))
	l.Run()
	// Output: Received: ping
}

func ExampleLoop_CallSoonThreadsafe() {
	l, _ := loop.New(nil)
	defer l.Close()
	go func() {
		// From another goroutine: the one safe entry point.
		l.CallSoonThreadsafe(func() { fmt.Println("posted"); l.Stop() })
	}()
	l.Run() // sleeps until the post wakes it
	// Output: posted
}

func ExampleLoop_SetExceptionHandler() {
	l, _ := loop.New(nil)
	defer l.Close()
	l.SetExceptionHandler(func(e *loop.Exception) { fmt.Println("recovered:", e.Value) })
	l.CallSoon(func() { panic("oops") })
	l.CallSoon(func() { fmt.Println("the loop goes on") })
	l.CallSoon(l.Stop)
	l.Run()
	// Output:
	// recovered: oops
	// the loop goes on
}
