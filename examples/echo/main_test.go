//go:build unix

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
)

func TestEcho(t *testing.T) {
	for _, c := range []struct {
		style string
		loops int
	}{{"callbacks", 1}, {"tasks", 1}, {"callbacks", 2}, {"tasks", 2}} {
		style := c.style
		t.Run(fmt.Sprintf("%s/loops=%d", c.style, c.loops), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() { done <- run(ctx, pw, style, 0, 0, c.loops) }()
			br := bufio.NewReader(pr)
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			addr := strings.Fields(line)[2]
			for range 3 { // several connections, one after another
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				for _, msg := range []string{"hello\n", strings.Repeat("z", 100000) + "\n"} {
					c.Write([]byte(msg))
					got := make([]byte, len(msg))
					if _, err := io.ReadFull(c, got); err != nil || string(got) != msg {
						t.Fatalf("echo of %d bytes: got %d, %v", len(msg), len(got), err)
					}
				}
				// Half-close and read to the end: the server has closed
				// its side too, so it no longer counts this one.
				c.(*net.TCPConn).CloseWrite()
				if rest, err := io.ReadAll(c); err != nil || len(rest) != 0 {
					t.Fatalf("after half-closing, read %q, %v; want the end of the stream", rest, err)
				}
				c.Close()
			}
			// One connection left open at the interrupt is closed after
			// the grace period (none here), and counted.
			idle, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer idle.Close()
			idle.Write([]byte("x"))
			io.ReadFull(idle, make([]byte, 1))
			cancel()
			if last, _ := br.ReadString('\n'); !strings.HasPrefix(last, "shut down: 1 connections") {
				t.Errorf("after the interrupt, the server printed %q; want it to report 1 connection closed", last)
			}
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("run = %v", err)
			}
			if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
				t.Errorf("read from a connection the shutdown closed = %v; want EOF", err)
			}
		})
	}
	if err := run(context.Background(), io.Discard, "threads", 0, 0, 1); err == nil {
		t.Errorf("run with -style=threads = nil error")
	}
}
