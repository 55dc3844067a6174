// Command exhaust is the child of stream's TestAcceptOutOfDescriptors: an
// echo server (callbacks or tasks, the first argument) whose descriptor
// limit leaves room for about 20 connections. It answers commands read
// from descriptor 3 on descriptor 4: addr, stats, pipe.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

const childIn, childOut = 3, 4

// rawFile reads and writes a descriptor with plain system calls, blocking.
type rawFile int

func (f rawFile) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(int(f), p)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f rawFile) Write(p []byte) (int, error) { return unix.Write(int(f), p) }

func main() {
	style := os.Args[1]
	unix.SetNonblock(childIn, false)
	unix.SetNonblock(childOut, false)
	out := rawFile(childOut)
	fail := func(err error) { fmt.Fprintln(os.Stderr, "error", err); os.Exit(1) }
	l, err := loop.New(nil)
	if err != nil {
		fail(err)
	}
	reports := 0
	l.SetExceptionHandler(func(e *loop.Exception) {
		if strings.HasPrefix(e.Message, "stream: accept") {
			reports++
		}
	})
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	// Two descriptors kept to free later: os.Pipe then has just the two
	// it needs, and none for the runtime's poller if it starts only then.
	var spare [2]int
	for i := range spare {
		if spare[i], err = unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
			fail(err)
		}
	}
	entries, _ := os.ReadDir("/proc/self/fd")
	lim := uint64(len(entries) + 20)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: lim, Max: lim}); err != nil {
		fail(err)
	}
	if style == "callbacks" {
		err = stream.Serve(ln, func() stream.Protocol { return new(echoProto) })
	} else {
		_, err = task.Spawn(l, func(co *task.Co) (int, error) {
			for {
				c, err := ln.Accept(co)
				if err != nil {
					return 0, err
				}
				task.Spawn(l, func(co *task.Co) (int, error) {
					defer c.Close()
					buf := make([]byte, 64)
					for {
						n, err := c.Read(co, buf)
						if err != nil {
							return 0, nil
						}
						if _, err := c.Write(co, buf[:n]); err != nil {
							return 0, nil
						}
					}
				})
			}
		})
	}
	if err != nil {
		fail(err)
	}
	go func() {
		sc := bufio.NewScanner(rawFile(childIn))
		for sc.Scan() {
			cmd := sc.Text()
			answered := make(chan struct{})
			l.CallSoonThreadsafe(func() {
				defer close(answered)
				switch cmd {
				case "addr":
					fmt.Fprintln(out, ln.Addr())
				case "stats":
					fmt.Fprintf(out, "iterations %d reports %d\n", l.Metrics().Iterations, reports)
				case "pipe":
					unix.Close(spare[0])
					unix.Close(spare[1])
					r, w, err := os.Pipe()
					if err == nil {
						r.Close()
						w.Close()
					}
					fmt.Fprintln(out, "pipe:", err)
				}
			})
			<-answered
		}
		l.CallSoonThreadsafe(l.Stop)
	}()
	if err := l.Run(); err != nil {
		fail(err)
	}
}

type echoProto struct{ t *stream.Transport }

func (e *echoProto) ConnectionMade(t *stream.Transport) { e.t = t }
func (e *echoProto) DataReceived(p []byte)              { e.t.Write(p) }
func (e *echoProto) ConnectionLost(error)               {}
