//go:build unix

package stream_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

// idler closes nothing itself: the transport's idle timeout does.
type idler struct {
	t        *stream.Transport
	received int
	lost     error
	gone     bool
}

func (p *idler) ConnectionMade(t *stream.Transport) {
	p.t = t
	t.SetIdleTimeout(200 * time.Millisecond)
}
func (p *idler) DataReceived(b []byte)    { p.received++; p.t.Write(b) }
func (p *idler) ConnectionLost(err error) { p.lost, p.gone = err, true }

// TestIdleTimeout: a connection that talks every 60 ms outlives a 200 ms
// idle timeout for as long as it talks (five messages, 300 ms); once it
// falls silent it is closed and ConnectionLost gets an error matching
// os.ErrDeadlineExceeded.
func TestIdleTimeout(t *testing.T) {
	l := newLoop(t)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p := new(idler)
	if err := stream.Serve(ln, func() stream.Protocol { return p }); err != nil {
		t.Fatal(err)
	}
	client, err := task.Spawn(l, func(co *task.Co) (int, error) {
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return 0, err
		}
		defer c.Close()
		buf := make([]byte, 16)
		for i := range 5 {
			if i > 0 {
				if err := co.Sleep(60 * time.Millisecond); err != nil {
					return i, err
				}
			}
			if _, err := c.Write(co, []byte("ping")); err != nil {
				return i, err
			}
			if _, err := c.Read(co, buf); err != nil {
				return i, err // closed while it was talking
			}
		}
		return 5, co.Sleep(time.Hour) // silent now, and open until the server closes
	})
	if err != nil {
		t.Fatal(err)
	}
	guard, _ := l.CallLater(10*time.Second, func() { p.gone = true })
	runUntil(t, l, func() bool { return p.gone })
	guard.Cancel()
	if client.Done() {
		_, err := client.Result()
		t.Errorf("the client ended early: %v", err)
	}
	client.Cancel()
	if p.received != 5 || !errors.Is(p.lost, os.ErrDeadlineExceeded) {
		t.Errorf("server received %d messages, then ConnectionLost(%v); want 5, then an error matching os.ErrDeadlineExceeded", p.received, p.lost)
	}
}
