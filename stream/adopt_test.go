//go:build unix

package stream_test

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/fdtest"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

// A listener made by package net serves on the loop once adopted, and the
// original can be closed at once.
func TestAdoptListener(t *testing.T) {
	l := newLoop(t)
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := stream.AdoptListener(l, nl.(*net.TCPListener))
	nl.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if ln.Addr().String() != nl.Addr().String() {
		t.Errorf("Addr() = %v; want %v", ln.Addr(), nl.Addr())
	}
	if err := stream.Serve(ln, func() stream.Protocol { return &echo{lost: make(chan error, 1)} }); err != nil {
		t.Fatal(err)
	}
	// The client tells the loop it is done through the loop itself: a
	// loop blocked in its selector does not look at channels.
	var result error
	finished := false
	report := func(err error) {
		l.CallSoonThreadsafe(func() { result, finished = err, true })
	}
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			report(err)
			return
		}
		defer c.Close()
		c.Write([]byte("adopted"))
		got := make([]byte, 7)
		_, err = io.ReadFull(c, got)
		if err == nil && string(got) != "adopted" {
			err = errors.New("echo = " + string(got))
		}
		report(err)
	}()
	runUntil(t, l, func() bool { return finished })
	if result != nil {
		t.Fatal(result)
	}
}

// Connections made by package net, or a socket pair held in *os.File,
// are read and written by tasks once adopted.
func TestAdoptConn(t *testing.T) {
	l := newLoop(t)
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	nc, err := net.Dial("tcp", nl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer, err := nl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	c, err := stream.AdoptConn(l, nc.(*net.TCPConn))
	nc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if c.RemoteAddr().String() != peer.LocalAddr().String() {
		t.Errorf("RemoteAddr() = %v; want %v", c.RemoteAddr(), peer.LocalAddr())
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	f0, f1 := os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	defer f1.Close()
	u, err := stream.AdoptConn(l, f0)
	f0.Close()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		peer.Write([]byte("tcp"))
		f1.Write([]byte("unix"))
	}()
	tk := spawn(t, l, func(co *task.Co) (string, error) {
		defer c.Close()
		defer u.Close()
		got := ""
		for _, cn := range []*stream.Conn{c, u} {
			buf := make([]byte, 8)
			n, err := cn.Read(co, buf)
			if err != nil {
				return got, err
			}
			got += string(buf[:n])
		}
		return got, nil
	})
	runUntil(t, l, tk.Done)
	if got, err := tk.Result(); got != "tcpunix" || err != nil {
		t.Errorf("read from adopted connections = %q, %v; want tcpunix, nil", got, err)
	}
}

func TestAdoptRefuses(t *testing.T) {
	l := newLoop(t)
	before := fdtest.Open(t)
	file, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	nc, err := net.Dial("tcp", nl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	closed, _ := loop.New(nil)
	closed.Close()
	for _, c := range []struct {
		name  string
		adopt func() error
		want  error
	}{
		{"AdoptConn(regular file)", func() error { _, err := stream.AdoptConn(l, file); return err }, unix.ENOTSOCK},
		{"AdoptConn(UDP socket)", func() error { _, err := stream.AdoptConn(l, udp.(syscall.Conn)); return err }, unix.EPROTOTYPE},
		{"AdoptConn(listener)", func() error { _, err := stream.AdoptConn(l, nl.(*net.TCPListener)); return err }, unix.ENOTCONN},
		{"AdoptListener(connection)", func() error { _, err := stream.AdoptListener(l, nc.(*net.TCPConn)); return err }, unix.EINVAL},
		{"AdoptConn(nil)", func() error { _, err := stream.AdoptConn(l, nil); return err }, unix.EBADF},
		{"AdoptConn on a closed loop", func() error { _, err := stream.AdoptConn(closed, nc.(*net.TCPConn)); return err }, api.ErrClosed},
	} {
		if err := c.adopt(); !errors.Is(err, c.want) {
			t.Errorf("%s = %v; want an error matching %v", c.name, err, c.want)
		}
	}
	if got, want := fdtest.AtMost(t, before+4), before+4; got > want { // file, udp, nl, nc
		t.Errorf("descriptors open = %d; want at most %d: a refused adoption leaked one", got, want)
	}
}
