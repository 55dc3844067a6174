//go:build unix

// Command readme is the short example of the README, kept here so that it
// compiles and runs: a loop with a callback, a cancelled timer and a
// reader on a socket pair, then the same read as a coroutine task.
//
//	go run ./examples/readme
package main

import (
	"fmt"
	"log"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

func main() {
	if err := callbacks(); err != nil {
		log.Fatal(err)
	}
	if err := tasks(); err != nil {
		log.Fatal(err)
	}
}

// socketPair returns two connected non-blocking sockets: AddReader wants a
// non-blocking descriptor (an *os.File's Fd() switches it to blocking).
func socketPair() ([2]int, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return [2]int{}, err
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			return [2]int{}, err
		}
	}
	return [2]int(fds), nil
}

func callbacks() error {
	l, err := loop.New(nil) // the platform's defaults; EVLOOP_BACKEND, EVLOOP_TIMERS override
	if err != nil {
		return err
	}
	defer l.Close()
	fds, err := socketPair() // unix.Socketpair, then SetNonblock: the loop wants non-blocking descriptors
	if err != nil {
		return err
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])

	l.CallSoon(func() { fmt.Println("Hello World") })
	h, err := l.CallLater(time.Hour, func() { fmt.Println("never") })
	if err != nil {
		return err
	}
	h.Cancel()

	buf := make([]byte, 100)
	err = l.AddReader(fds[0], func() { // every iteration while fds[0] is readable
		n, err := unix.Read(fds[0], buf)
		if err != nil {
			return // EAGAIN: nothing after all
		}
		fmt.Printf("Received: %q\n", buf[:n])
		l.RemoveReader(fds[0]) // remove before close
		l.Stop()
	})
	if err != nil {
		return err
	}
	go unix.Write(fds[1], []byte("ping")) // another goroutine, another process...
	return l.Run()
}

func tasks() error {
	l, err := loop.New(nil)
	if err != nil {
		return err
	}
	defer l.Close()
	fds, err := socketPair()
	if err != nil {
		return err
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])

	t, err := task.Spawn(l, func(co *task.Co) (string, error) {
		if err := co.WaitReadable(fds[0]); err != nil { // suspends; the loop runs other work
			return "", err
		}
		buf := make([]byte, 100)
		n, err := unix.Read(fds[0], buf)
		return string(buf[:max(n, 0)]), err
	})
	if err != nil {
		return err
	}
	l.CallLater(time.Millisecond, func() { unix.Write(fds[1], []byte("pong")) })
	t.AddDoneCallback(l.Stop)
	if err := l.Run(); err != nil {
		return err
	}
	got, err := t.Result()
	fmt.Printf("The task read %q (error: %v)\n", got, err)
	return err
}
