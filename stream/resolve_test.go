//go:build unix

package stream

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

// withLookup replaces the resolver's address lookup for one test.
func withLookup(t *testing.T, fn func(ctx context.Context, network, host string) ([]netip.Addr, error)) {
	old := lookupNetIP
	lookupNetIP = fn
	t.Cleanup(func() { lookupNetIP = old })
}

func dialTask(t *testing.T, address string, onLoop func(l *loop.Loop)) (*Conn, *Listener, error) {
	t.Helper()
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ln, err := Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	if onLoop != nil {
		onLoop(l)
	}
	tk, err := task.Spawn(l, func(co *task.Co) (*Conn, error) {
		return Dial(co, "tcp", net.JoinHostPort(address, port))
	})
	if err != nil {
		t.Fatal(err)
	}
	for !tk.Done() {
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	c, err := tk.Result()
	if c != nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, ln, err
}

// A slow lookup runs off the loop: the loop goes on running callbacks,
// and here the lookup cannot end until the loop has run one a hundred
// times.
func TestDialLooksUpOffTheLoop(t *testing.T) {
	release := make(chan struct{})
	withLookup(t, func(_ context.Context, network, host string) ([]netip.Addr, error) {
		<-release
		if host != "slow.example" || network != "ip" {
			return nil, &net.DNSError{Err: "unexpected query", Name: host, IsNotFound: true}
		}
		// The first refuses (nothing listens on ::1 here): Dial goes on
		// to the next.
		return []netip.Addr{netip.MustParseAddr("::1"), netip.MustParseAddr("127.0.0.1")}, nil
	})
	ticks := 0
	c, ln, err := dialTask(t, "slow.example", func(l *loop.Loop) {
		var tick func()
		tick = func() {
			if ticks++; ticks == 100 {
				close(release)
				return
			}
			l.CallSoon(tick)
		}
		l.CallSoon(tick)
	})
	if err != nil {
		t.Fatalf("Dial(slow.example) = %v", err)
	}
	if ticks != 100 {
		t.Errorf("callbacks run during the lookup = %d; want 100", ticks)
	}
	if got := c.RemoteAddr().String(); got != ln.Addr().String() {
		t.Errorf("RemoteAddr() = %s; want %s", got, ln.Addr())
	}
}

func TestDialLookupFails(t *testing.T) {
	withLookup(t, func(_ context.Context, _, host string) ([]netip.Addr, error) {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	})
	_, _, err := dialTask(t, "nowhere.invalid", nil)
	if dnsErr, ok := errors.AsType[*net.DNSError](err); !ok || !dnsErr.IsNotFound {
		t.Errorf("Dial(nowhere.invalid) = %v; want a *net.DNSError, not found", err)
	}
}

// localhost comes from the hosts file: a real lookup, without a network.
func TestDialLocalhost(t *testing.T) {
	c, _, err := dialTask(t, "localhost", nil)
	if err != nil {
		t.Fatalf("Dial(localhost) = %v", err)
	}
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err != nil || !ap.Addr().IsLoopback() {
		t.Errorf("RemoteAddr() = %v; want a loopback address", c.RemoteAddr())
	}
}
