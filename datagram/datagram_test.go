//go:build unix

package datagram_test

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/datagram"
	"github.com/evloop/evloop/internal/fdtest"
	"github.com/evloop/evloop/loop"
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

func run[T any](t *testing.T, l *loop.Loop, body func(co *task.Co) (T, error)) (T, error) {
	t.Helper()
	tk, err := task.Spawn(l, body)
	if err != nil {
		t.Fatal(err)
	}
	for !tk.Done() {
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	return tk.Result()
}

func addrPort(a net.Addr) netip.AddrPort { return a.(*net.UDPAddr).AddrPort() }

// Tasks: a server reads datagrams and writes them back to their sender;
// a connected client writes and reads, over IPv4 and IPv6.
func TestTaskEcho(t *testing.T) {
	for _, c := range []struct{ network, address string }{{"udp4", "127.0.0.1:0"}, {"udp6", "[::1]:0"}, {"udp", "127.0.0.1:0"}} {
		t.Run(c.network, func(t *testing.T) {
			l := newLoop(t)
			before := fdtest.Open(t)
			srv, err := datagram.Listen(l, c.network, c.address)
			if err != nil {
				if c.network == "udp6" {
					t.Skipf("no IPv6 loopback: %v", err)
				}
				t.Fatal(err)
			}
			cli, err := datagram.Dial(l, c.network, srv.LocalAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			echoed, err := task.Spawn(l, func(co *task.Co) (netip.AddrPort, error) {
				buf := make([]byte, 1500)
				var from netip.AddrPort
				for range 3 {
					n, f, err := srv.ReadFrom(co, buf)
					if err != nil {
						return from, err
					}
					from = f
					if _, err := srv.WriteTo(co, buf[:n], f); err != nil {
						return from, err
					}
				}
				return from, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = run(t, l, func(co *task.Co) (int, error) {
				for _, msg := range []string{"one", "", "three"} {
					if _, err := cli.Write(co, []byte(msg)); err != nil {
						return 0, err
					}
					buf := make([]byte, 100)
					n, err := cli.Read(co, buf)
					if err != nil {
						return 0, err
					}
					if string(buf[:n]) != msg {
						t.Errorf("echo of %q = %q", msg, buf[:n])
					}
				}
				return 0, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			from, err := echoed.Result()
			if err != nil {
				t.Fatal(err)
			}
			if from != addrPort(cli.LocalAddr()) {
				t.Errorf("ReadFrom's sender = %v; want the client's address %v", from, cli.LocalAddr())
			}
			if cli.RemoteAddr().String() != srv.LocalAddr().String() {
				t.Errorf("RemoteAddr() = %v; want %v", cli.RemoteAddr(), srv.LocalAddr())
			}
			srv.Close()
			cli.Close()
			if got := fdtest.AtMost(t, before); got > before {
				t.Errorf("descriptors open = %d; want at most %d", got, before)
			}
		})
	}
}

// A datagram larger than the buffer fills it and reports the truncation.
func TestTruncation(t *testing.T) {
	l := newLoop(t)
	srv, err := datagram.Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	msg := bytes.Repeat([]byte("0123456789"), 10)
	_, err = run(t, l, func(co *task.Co) (int, error) {
		if _, err := srv.WriteTo(co, msg, addrPort(srv.LocalAddr())); err != nil {
			return 0, err
		}
		buf := make([]byte, 10)
		n, _, err := srv.ReadFrom(co, buf)
		if n != 10 || !errors.Is(err, api.ErrTruncated) || string(buf) != "0123456789" {
			t.Errorf("ReadFrom(10-byte buffer) of 100 bytes = %d, %v, %q; want 10, api.ErrTruncated, the first bytes", n, err, buf)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The refusal of an earlier datagram (ICMP port unreachable) comes back
// from the next read of a connected socket, which goes on working.
func TestRefused(t *testing.T) {
	l := newLoop(t)
	gone, err := datagram.Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := gone.LocalAddr().String()
	gone.Close()
	cli, err := datagram.Dial(l, "udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	_, err = run(t, l, func(co *task.Co) (int, error) {
		if _, err := cli.Write(co, []byte("anyone?")); err != nil {
			return 0, err
		}
		_, err := cli.Read(co, make([]byte, 10))
		return 0, err
	})
	if !errors.Is(err, unix.ECONNREFUSED) {
		t.Errorf("Read after a datagram to a closed port = %v; want ECONNREFUSED", err)
	}
}

// Closing the socket wakes a task reading it.
func TestCloseWakesReader(t *testing.T) {
	l := newLoop(t)
	c, err := datagram.Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reader, _ := task.Spawn(l, func(co *task.Co) (int, error) {
		n, _, err := c.ReadFrom(co, make([]byte, 10))
		return n, err
	})
	_, err = run(t, l, func(co *task.Co) (int, error) {
		co.Yield()
		return 0, c.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	for !reader.Done() {
		l.RunOnce()
	}
	if _, err := reader.Result(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("ReadFrom when the socket was closed = %v; want net.ErrClosed", err)
	}
}

func TestBadInput(t *testing.T) {
	l := newLoop(t)
	before := fdtest.Open(t)
	closed, _ := loop.New(nil)
	closed.Close()
	isAddrErr := func(err error) bool { _, ok := errors.AsType[*net.AddrError](err); return ok }
	for _, c := range []struct {
		name  string
		err   error
		match func(error) bool
		want  string
	}{
		{"Listen(tcp)", second(datagram.Listen(l, "tcp", "127.0.0.1:0")),
			func(err error) bool { _, ok := errors.AsType[net.UnknownNetworkError](err); return ok }, "net.UnknownNetworkError"},
		{"Listen(name)", second(datagram.Listen(l, "udp", "localhost:0")), isAddrErr, "*net.AddrError"},
		{"Listen(udp6, IPv4 address)", second(datagram.Listen(l, "udp6", "127.0.0.1:0")), isAddrErr, "*net.AddrError"},
		{"Listen on a closed loop", second(datagram.Listen(closed, "udp", "127.0.0.1:0")),
			func(err error) bool { return errors.Is(err, api.ErrClosed) }, "api.ErrClosed"},
	} {
		if !c.match(c.err) {
			t.Errorf("%s = %v; want an error matching %s", c.name, c.err, c.want)
		}
	}
	v4, err := datagram.Listen(l, "udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer v4.Close()
	_, err = run(t, l, func(co *task.Co) (int, error) {
		if _, err := v4.WriteTo(co, []byte("x"), netip.MustParseAddrPort("[::1]:9")); !errors.Is(err, unix.EAFNOSUPPORT) {
			t.Errorf("WriteTo(IPv6 address) on an IPv4 socket = %v; want EAFNOSUPPORT", err)
		}
		if _, err := v4.Write(co, []byte("x")); !errors.Is(err, unix.EDESTADDRREQ) {
			t.Errorf("Write on a socket not connected = %v; want EDESTADDRREQ", err)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := datagram.Serve(v4, nil); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("Serve(c, nil) = %v; want api.ErrNilCallback", err)
	}
	if got := fdtest.AtMost(t, before+1); got > before+1 {
		t.Errorf("descriptors open = %d; want at most %d", got, before+1)
	}
}

func second[T any](_ T, err error) error { return err }
