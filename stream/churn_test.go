//go:build unix

package stream_test

import (
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
)

// answerer answers the first message and closes.
type answerer struct{ t *stream.Transport }

func (a *answerer) ConnectionMade(t *stream.Transport) { a.t = t }
func (a *answerer) DataReceived([]byte)                { a.t.Write([]byte("bye")); a.t.Close() }
func (a *answerer) ConnectionLost(error)               {}

// TestCloseEndsTheStreamUnderThreadChurn: when the server closes a
// connection, its peer reads the end of the stream, even while the loop's
// goroutine keeps changing threads. Under io_uring a poll request armed
// by another thread kept the socket alive past close (no FIN) for as long
// as the peer waited: in this test, before closeSocket shut sockets down
// first, about one connection in a thousand. A stress test, so it runs
// only where that backend is chosen (CI's per-backend rerun) and not with
// -short; it can miss the bug, never report one that is not there.
func TestCloseEndsTheStreamUnderThreadChurn(t *testing.T) {
	if os.Getenv("EVLOOP_BACKEND") != "io_uring" || testing.Short() {
		t.Skip("a stress test for the io_uring backend: EVLOOP_BACKEND=io_uring")
	}
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Serve(ln, func() stream.Protocol { return new(answerer) }); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var loopDone sync.WaitGroup
	loopDone.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := l.RunOnce(); err != nil {
				t.Error(err)
				return
			}
		}
	})
	// Goroutines that take and give back threads, so that the loop's
	// goroutine moves between threads.
	var churn sync.WaitGroup
	for range 4 {
		churn.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				runtime.LockOSThread()
				time.Sleep(time.Microsecond)
				runtime.UnlockOSThread()
			}
		})
	}
	var stuck atomic.Int32
	var clients sync.WaitGroup
	for range 8 {
		clients.Go(func() {
			for range 250 {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					t.Error(err)
					return
				}
				c.Write([]byte("hi"))
				c.SetReadDeadline(time.Now().Add(30 * time.Second)) // the churn can stall the loop for seconds
				if data, err := io.ReadAll(c); err != nil {
					stuck.Add(1)
					t.Errorf("client read %q, then %v; want the end of the stream", data, err)
				}
				c.Close()
			}
		})
	}
	clients.Wait()
	close(stop)
	l.CallSoonThreadsafe(func() {})
	loopDone.Wait()
	churn.Wait()
	l.Close()
	if n := stuck.Load(); n > 0 {
		t.Errorf("%d of 2000 connections closed by the server never saw the end of the stream", n)
	}
}
