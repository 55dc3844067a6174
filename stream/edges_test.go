//go:build unix

package stream_test

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/fdtest"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
)

func TestBadArguments(t *testing.T) {
	l := newLoop(t)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := stream.Serve(ln, nil); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("Serve(ln, nil) = %v; want an error matching api.ErrNilCallback", err)
	}
	for _, addr := range []string{"localhost:80", "1.2.3.4", "[::1]:x", "::1:80"} {
		_, err := stream.Listen(l, "tcp", addr)
		if _, ok := errors.AsType[*net.AddrError](err); !ok {
			t.Errorf("Listen(tcp, %q) = %v; want a *net.AddrError", addr, err)
		}
	}
	if _, err := stream.Listen(l, "tcp4", "[::1]:0"); err == nil {
		t.Errorf("Listen(tcp4, [::1]:0) = nil; want an error")
	} else if _, ok := errors.AsType[*net.AddrError](err); !ok {
		t.Errorf("Listen(tcp4, [::1]:0) = %v; want a *net.AddrError", err)
	}

	closed, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	before := fdtest.Open(t)
	if _, err := stream.Listen(closed, "tcp", "127.0.0.1:0"); !errors.Is(err, api.ErrClosed) {
		t.Errorf("Listen on a closed loop = %v; want api.ErrClosed", err)
	}
	if after := fdtest.Open(t); after != before {
		t.Errorf("Listen on a closed loop: %d descriptors open before, %d after; want no socket opened", before, after)
	}
}

// panicky panics in the method named by where.
type panicky struct {
	where string
	lost  *[]error
}

func (p *panicky) ConnectionMade(*stream.Transport) {
	if p.where == "made" {
		panic("made")
	}
}

func (p *panicky) DataReceived([]byte) {
	if p.where == "data" {
		panic("data")
	}
}

func (p *panicky) ConnectionLost(err error) { *p.lost = append(*p.lost, err) }

// TestProtocolPanics connects a hundred clients to protocols that panic:
// every connection is closed (no descriptor leaks), ConnectionLost reports
// the panic, and the loop's exception handler receives every one.
func TestProtocolPanics(t *testing.T) {
	for _, where := range []string{"made", "data"} {
		t.Run(where, func(t *testing.T) {
			l := newLoop(t)
			var panics int
			l.SetExceptionHandler(func(e *loop.Exception) { panics++ })
			ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			var lost []error
			if err := stream.Serve(ln, func() stream.Protocol { return &panicky{where: where, lost: &lost} }); err != nil {
				t.Fatal(err)
			}
			before := fdtest.Open(t)
			const clients = 100
			closedByServer := make(chan error, clients)
			go func() {
				for range clients {
					c, err := net.Dial("tcp", ln.Addr().String())
					if err != nil {
						closedByServer <- err
						continue
					}
					c.Write([]byte("x"))
					c.SetReadDeadline(time.Now().Add(10 * time.Second))
					_, err = c.Read(make([]byte, 1)) // EOF or a reset once the server closes
					c.Close()
					switch {
					case err == nil:
						closedByServer <- errors.New("the server answered")
					case errors.Is(err, os.ErrDeadlineExceeded):
						closedByServer <- err
					default: // EOF or a reset: closed
						closedByServer <- nil
					}
				}
			}()
			deadline := time.Now().Add(20 * time.Second)
			for len(lost) < clients && time.Now().Before(deadline) {
				l.CallLater(10*time.Millisecond, func() {})
				if err := l.RunOnce(); err != nil {
					t.Fatal(err)
				}
			}
			for range clients {
				if err := <-closedByServer; err != nil {
					t.Fatalf("client: %v; want the server to close the connection", err)
				}
			}
			if len(lost) != clients || panics != clients {
				t.Fatalf("ConnectionLost ran %d times and the handler got %d panics; want %d each", len(lost), panics, clients)
			}
			var pe *stream.PanicError
			if !errors.As(lost[0], &pe) || pe.Value != where {
				t.Errorf("ConnectionLost(%v); want a *stream.PanicError with the panic value", lost[0])
			}
			if after := fdtest.AtMost(t, before); after > before {
				t.Errorf("%d descriptors open before %d panicking connections, %d after; want none leaked", before, clients, after)
			}
		})
	}
}
