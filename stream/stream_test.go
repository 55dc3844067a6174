//go:build unix

package stream_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"path/filepath"
	"testing"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

func newLoop(t *testing.T) *loop.Loop {
	t.Helper()
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func runUntil(t *testing.T, l *loop.Loop, done func() bool) {
	t.Helper()
	for !done() {
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
}

// echoTask serves one connection: read until EOF, writing back.
func echoTask(ln *stream.Listener) func(co *task.Co) (int, error) {
	return func(co *task.Co) (int, error) {
		c, err := ln.Accept(co)
		if err != nil {
			return 0, err
		}
		defer c.Close()
		total := 0
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(co, buf)
			if err == io.EOF {
				return total, c.CloseWrite()
			}
			if err != nil {
				return total, err
			}
			if _, err := c.Write(co, buf[:n]); err != nil {
				return total, err
			}
			total += n
		}
	}
}

func TestTaskEcho(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			l := newLoop(t)
			addr := "127.0.0.1:0"
			if network == "unix" {
				addr = filepath.Join(t.TempDir(), "echo.sock")
			}
			ln, err := stream.Listen(l, network, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			server, _ := task.Spawn(l, echoTask(ln))
			msg := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB: Write must wait for room
			client, _ := task.Spawn(l, func(co *task.Co) ([]byte, error) {
				c, err := stream.Dial(co, network, ln.Addr().String())
				if err != nil {
					return nil, err
				}
				defer c.Close()
				// Write and read at once, or both sides would fill up.
				writer, _ := task.Spawn(co.Loop(), func(co *task.Co) (int, error) {
					n, err := c.Write(co, msg)
					if err == nil {
						err = c.CloseWrite()
					}
					return n, err
				})
				var got []byte
				buf := make([]byte, 8192)
				for {
					n, err := c.Read(co, buf)
					got = append(got, buf[:n]...)
					if err == io.EOF {
						_, werr := task.Await[int](co, writer)
						return got, werr
					}
					if err != nil {
						return got, err
					}
				}
			})
			runUntil(t, l, func() bool { return client.Done() && server.Done() })
			got, err := client.Result()
			if err != nil || !bytes.Equal(got, msg) {
				t.Errorf("client got %d bytes, %v; want the %d sent back", len(got), err, len(msg))
			}
			if n, err := server.Result(); n != len(msg) || err != nil {
				t.Errorf("server echoed %d, %v; want %d", n, err, len(msg))
			}
		})
	}
}

func TestDialRefused(t *testing.T) {
	l := newLoop(t)
	ln, _ := stream.Listen(l, "tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	tk, _ := task.Spawn(l, func(co *task.Co) (*stream.Conn, error) { return stream.Dial(co, "tcp", addr) })
	runUntil(t, l, tk.Done)
	if _, err := tk.Result(); !errors.Is(err, unix.ECONNREFUSED) {
		t.Errorf("Dial to a closed port = %v; want ECONNREFUSED", err)
	}
}

func TestClosedAndBadAddresses(t *testing.T) {
	l := newLoop(t)
	ln, _ := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ln.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close = %v; want net.ErrClosed", err)
	}
	for _, c := range [][2]string{{"udp", "127.0.0.1:1"}, {"tcp", "localhost:80"}, {"tcp4", "[::1]:80"}} {
		if _, err := stream.Listen(l, c[0], c[1]); err == nil {
			t.Errorf("Listen(%q, %q) = nil error", c[0], c[1])
		}
	}
}

// echo is the callback-style echo protocol; it counts pauses.
type echo struct {
	t              *stream.Transport
	paused, resume int
	pausedCh       chan struct{}
	lost           chan error
}

func (e *echo) ConnectionMade(t *stream.Transport) { e.t = t }
func (e *echo) DataReceived(p []byte)              { e.t.Write(p) }
func (e *echo) ConnectionLost(err error)           { e.lost <- err }
func (e *echo) PauseWriting() {
	if e.paused++; e.paused == 1 {
		close(e.pausedCh)
	}
	e.t.PauseReading()
}
func (e *echo) ResumeWriting() { e.resume++; e.t.ResumeReading() }

func TestServeEchoWithBackPressure(t *testing.T) {
	l := newLoop(t)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	proto := &echo{lost: make(chan error, 1), pausedCh: make(chan struct{})}
	if err := stream.Serve(ln, func() stream.Protocol { return proto }); err != nil {
		t.Fatal(err)
	}
	// A client on package net, in another goroutine: it sends 8 MiB and
	// reads nothing until the echo's write buffer has passed its
	// high-water mark and the protocol has been told to pause.
	msg := bytes.Repeat([]byte("x"), 8<<20)
	result := make(chan error, 1)
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			result <- err
			return
		}
		defer c.Close()
		go func() { c.Write(msg); c.(*net.TCPConn).CloseWrite() }()
		<-proto.pausedCh
		got, err := io.ReadAll(c)
		if err == nil && !bytes.Equal(got, msg) {
			err = errors.New("echo differs from what was sent")
		}
		result <- err
		l.CallSoonThreadsafe(l.Stop)
	}()
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if err := <-result; err != nil {
		t.Errorf("client: %v", err)
	}
	if proto.paused == 0 || proto.resume == 0 {
		t.Errorf("PauseWriting %d times, ResumeWriting %d times; want both", proto.paused, proto.resume)
	}
	if err := <-proto.lost; err != nil {
		t.Errorf("ConnectionLost(%v); want nil after the peer's orderly close", err)
	}
}
