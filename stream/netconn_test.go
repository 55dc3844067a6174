//go:build unix

package stream_test

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evloop/evloop/internal/fdtest"
	"github.com/evloop/evloop/internal/selfsigned"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

func spawn[T any](t *testing.T, l *loop.Loop, body func(co *task.Co) (T, error)) *task.Task[T] {
	t.Helper()
	tk, err := task.Spawn(l, body)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// Closing a connection wakes the task reading it, and closing a listener
// the task accepting on it, with net.ErrClosed, as package net does.
func TestCloseWakesWaiters(t *testing.T) {
	l := newLoop(t)
	before := fdtest.Open(t)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var server, client *stream.Conn
	var readErr, acceptErr error
	reader := spawn(t, l, func(co *task.Co) (int, error) {
		c, err := ln.Accept(co)
		if err != nil {
			return 0, err
		}
		server = c
		_, readErr = c.Read(co, make([]byte, 10)) // suspends: nothing sent
		return 0, nil
	})
	closer := spawn(t, l, func(co *task.Co) (int, error) {
		d, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return 0, err
		}
		client = d
		for server == nil {
			co.Yield()
		}
		if err := server.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
		acceptor := spawn(t, l, func(co *task.Co) (int, error) {
			_, acceptErr = ln.Accept(co)
			return 0, nil
		})
		for range 3 {
			co.Yield()
		}
		if acceptor.Done() {
			t.Error("Accept returned with nothing to accept")
		}
		ln.Close()
		_, err = task.Await(co, acceptor)
		return 0, err
	})
	runUntil(t, l, func() bool { return reader.Done() && closer.Done() })
	if _, err := closer.Result(); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(readErr, net.ErrClosed) {
		t.Errorf("Read suspended when another task closed the connection = %v; want net.ErrClosed", readErr)
	}
	if !errors.Is(acceptErr, net.ErrClosed) {
		t.Errorf("Accept suspended when the listener was closed = %v; want net.ErrClosed", acceptErr)
	}
	client.Close()
	if got := fdtest.AtMost(t, before); got > before { // descriptors of earlier tests may close meanwhile
		t.Errorf("descriptors open = %d; want at most %d", got, before)
	}
}

func TestAddresses(t *testing.T) {
	l := newLoop(t)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var seen *stream.Transport
	if err := stream.Serve(ln, func() stream.Protocol { return &addrProto{seen: &seen} }); err != nil {
		t.Fatal(err)
	}
	ln2, err := stream.Listen(l, "tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	defer ln2.Close()
	check := func(what string, got, want net.Addr) {
		t.Helper()
		if got == nil || want == nil || got.String() != want.String() || got.Network() != want.Network() {
			t.Errorf("%s = %v; want %v", what, got, want)
		}
	}
	tk := spawn(t, l, func(co *task.Co) (int, error) {
		d, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return 0, err
		}
		defer d.Close()
		check("Dial(...).RemoteAddr()", d.RemoteAddr(), ln.Addr())
		for seen == nil {
			co.Yield()
		}
		check("Transport.RemoteAddr()", seen.RemoteAddr(), d.LocalAddr())
		check("Transport.LocalAddr()", seen.LocalAddr(), ln.Addr())

		acc := spawn(t, l, func(co *task.Co) (*stream.Conn, error) { return ln2.Accept(co) })
		d6, err := stream.Dial(co, "tcp6", ln2.Addr().String())
		if err != nil {
			return 0, err
		}
		defer d6.Close()
		a, err := task.Await(co, acc)
		if err != nil {
			return 0, err
		}
		defer a.Close()
		check("Accept(...).RemoteAddr()", a.RemoteAddr(), d6.LocalAddr())
		check("Accept(...).LocalAddr()", a.LocalAddr(), d6.RemoteAddr())
		nc := a.NetConn(co)
		check("NetConn.RemoteAddr()", nc.RemoteAddr(), d6.LocalAddr())
		return 0, nil
	})
	runUntil(t, l, tk.Done)
	if _, err := tk.Result(); err != nil {
		t.Fatal(err)
	}
}

type addrProto struct {
	seen **stream.Transport
}

func (p *addrProto) ConnectionMade(t *stream.Transport) { *p.seen = t }
func (p *addrProto) DataReceived([]byte)                {}
func (p *addrProto) ConnectionLost(error)               {}

// crypto/tls runs unchanged over NetConn: a TLS server in tasks serves a
// client in the same loop, one from package net on another goroutine, and
// refuses a client that does not trust it, closing that connection.
func TestTLS(t *testing.T) {
	cert, certPEM, err := selfsigned.Certificate("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	fds, goroutines := fdtest.Open(t), runtime.NumGoroutine()
	l := newLoop(t)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	serverCfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	clientCfg := &tls.Config{RootCAs: selfsigned.Pool(certPEM), ServerName: "127.0.0.1"}

	var served, refused atomic.Int32
	serve := func(co *task.Co, c *stream.Conn) (int, error) {
		tc := tls.Server(c.NetConn(co), serverCfg)
		defer tc.Close()
		if err := tc.Handshake(); err != nil {
			refused.Add(1)
			return 0, nil
		}
		n, err := io.Copy(tc, tc)
		served.Add(1)
		return int(n), err
	}
	acceptor := spawn(t, l, func(co *task.Co) (int, error) {
		for range 3 {
			c, err := ln.Accept(co)
			if err != nil {
				return 0, err
			}
			spawn(t, l, func(co *task.Co) (int, error) { return serve(co, c) })
		}
		return 0, ln.Close()
	})

	roundTrip := func(c net.Conn) error {
		defer c.Close()
		msg := []byte("hello over TLS")
		if _, err := c.Write(msg); err != nil {
			return err
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			return err
		}
		if string(got) != string(msg) {
			return errors.New("echo = " + string(got))
		}
		return nil
	}
	inLoop := spawn(t, l, func(co *task.Co) (int, error) {
		d, err := stream.Dial(co, "tcp", addr)
		if err != nil {
			return 0, err
		}
		return 0, roundTrip(tls.Client(d.NetConn(co), clientCfg))
	})
	outside := make(chan error, 2)
	go func() {
		c, err := tls.Dial("tcp", addr, clientCfg)
		if err != nil {
			outside <- err
			return
		}
		outside <- roundTrip(c)
	}()
	go func() {
		c, err := tls.Dial("tcp", addr, &tls.Config{ServerName: "127.0.0.1"})
		if err == nil {
			c.Close()
			err = errors.New("a client that does not trust the certificate connected")
		} else {
			err = nil
		}
		outside <- err
	}()
	runUntil(t, l, func() bool { return acceptor.Done() && inLoop.Done() && served.Load() == 2 && refused.Load() == 1 })
	if _, err := inLoop.Result(); err != nil {
		t.Errorf("TLS client in the loop: %v", err)
	}
	for range 2 {
		if err := <-outside; err != nil {
			t.Errorf("TLS client on another goroutine: %v", err)
		}
	}
	l.Close()
	if got := fdtest.AtMost(t, fds); got > fds {
		t.Errorf("descriptors open after Close = %d; want at most %d", got, fds)
	}
	// The client goroutines have sent their results; give them time to end.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines; {
		if time.Now().After(deadline) {
			t.Errorf("goroutines after Close = %d; want at most %d", runtime.NumGoroutine(), goroutines)
			break
		}
		time.Sleep(time.Millisecond)
	}
}
