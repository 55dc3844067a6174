//go:build unix

package datagram

import (
	"net/netip"
	"testing"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

type recorder struct {
	lost []error
	errs []error
}

func (*recorder) ConnectionMade(*Transport)               {}
func (*recorder) DatagramReceived([]byte, netip.AddrPort) {}
func (r *recorder) ErrorReceived(err error)               { r.errs = append(r.errs, err) }
func (r *recorder) ConnectionLost(err error)              { r.lost = append(r.lost, err) }

// What SendTo cannot send at once is queued and sent in order, and Close
// waits for the queue. The socket here takes everything, so the test
// starts with a datagram already queued, as if it had refused one.
func TestSendQueue(t *testing.T) {
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rcv, err := Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Close()
	snd, err := Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	tr, err := Serve(snd, r)
	if err != nil {
		t.Fatal(err)
	}
	to := rcv.LocalAddr().(interface{ AddrPort() netip.AddrPort }).AddrPort()
	if err := l.AddWriter(snd.fd, tr.flush); err != nil {
		t.Fatal(err)
	}
	tr.queue = append(tr.queue, pending{[]byte("first"), to})
	tr.queued = 5
	for _, msg := range []string{"second", "third"} {
		if err := tr.SendTo([]byte(msg), to); err != nil {
			t.Fatal(err)
		}
	}
	if got := tr.BufferedAmount(); got != len("first")+len("second")+len("third") {
		t.Errorf("BufferedAmount() = %d; want all three queued", got)
	}
	tr.Close()
	tk, _ := task.Spawn(l, func(co *task.Co) ([]string, error) {
		var got []string
		buf := make([]byte, 100)
		for range 3 {
			n, _, err := rcv.ReadFrom(co, buf)
			if err != nil {
				return got, err
			}
			got = append(got, string(buf[:n]))
		}
		return got, nil
	})
	for !tk.Done() || len(r.lost) == 0 {
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := tk.Result()
	if err != nil || len(got) != 3 || got[0] != "first" || got[1] != "second" || got[2] != "third" {
		t.Errorf("received %q, %v; want first, second, third in order", got, err)
	}
	if r.lost[0] != nil || tr.BufferedAmount() != 0 {
		t.Errorf("after Close: ConnectionLost(%v), BufferedAmount %d; want nil, 0", r.lost[0], tr.BufferedAmount())
	}
}

// closer closes its transport at the first datagram, with a datagram
// still queued (as if the socket had refused it), so the close waits.
type closer struct {
	recorder
	tr  *Transport
	got int
}

func (c *closer) DatagramReceived([]byte, netip.AddrPort) {
	c.got++
	c.tr.queue = append(c.tr.queue, pending{p: []byte("late")})
	c.tr.Close()
}

// No datagram is delivered after Close, even while the close waits for
// the queue to drain.
func TestNoDatagramAfterClose(t *testing.T) {
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &closer{}
	if p.tr, err = Serve(c, p); err != nil {
		t.Fatal(err)
	}
	to := c.LocalAddr().(interface{ AddrPort() netip.AddrPort }).AddrPort()
	sender, err := Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	for range 3 {
		if err := send(sender.fd, sender.domain, []byte("x"), to); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		l.CallSoon(func() {}) // the iteration polls without blocking
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	if p.got != 1 {
		t.Errorf("datagrams delivered = %d; want 1: none after Close", p.got)
	}
}
