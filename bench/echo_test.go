//go:build unix

package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"testing"
)

// BenchmarkEcho is W3 for each server.
func BenchmarkEcho(b *testing.B) {
	conns := []int{1, 100}
	if *large {
		conns = append(conns, 1000)
	}
	for _, c := range conns {
		for _, impl := range EchoImpls {
			b.Run(fmt.Sprintf("impl=%s/conns=%d", impl, c), func(b *testing.B) { Echo(b, impl, c) })
		}
	}
	// Two loops (threads of work) per server, where there are connections
	// to spread.
	for _, c := range conns[1:] {
		for _, impl := range EchoImpls {
			b.Run(fmt.Sprintf("impl=%s/loops=2/conns=%d", impl, c), func(b *testing.B) { EchoLoops(b, impl, 2, c) })
		}
	}
}

// TestEchoServers checks each W3 server in this process: several
// connections, each echoed exactly.
func TestEchoServers(t *testing.T) {
	for _, loops := range []int{1, 2} {
		for _, impl := range EchoImpls {
			if loops > 1 && impl == "raw-epoll" {
				continue
			}
			ctx, cancel := context.WithCancel(context.Background())
			addr := make(chan string, 1)
			done := make(chan error, 1)
			go func() { done <- ServeEchoLoops(ctx, impl, loops, addr) }()
			var a string
			select {
			case a = <-addr:
			case err := <-done:
				t.Fatalf("%s, %d loops: %v", impl, loops, err)
			}
			for i := range 5 {
				c, err := net.Dial("tcp", a)
				if err != nil {
					t.Fatal(err)
				}
				msg := []byte(fmt.Sprintf("%s message %d %0100d", impl, i, i))
				c.Write(msg)
				got := make([]byte, len(msg))
				if _, err := io.ReadFull(c, got); err != nil || string(got) != string(msg) {
					t.Errorf("%s, %d loops: echo = %q, %v; want %q", impl, loops, got, err, msg)
				}
				c.Close()
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("%s, %d loops: ServeEcho = %v", impl, loops, err)
			}
		}
	}
	if err := ServeEcho(context.Background(), "threads", make(chan string, 1)); err == nil {
		t.Errorf("ServeEcho(unknown impl) = nil error")
	}
}

// TestEchoProcess runs W3 briefly through a server process, as the
// benchmark does.
func TestEchoProcess(t *testing.T) {
	r := testing.Benchmark(func(b *testing.B) { Echo(b, "loop-callbacks", 4) })
	if r.N == 0 || r.Extra["server-cpu-ns/rt"] <= 0 || r.Extra["rt/s"] <= 0 {
		t.Errorf("W3 result %+v; want round trips with server CPU and rate reported", r)
	}
}
