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

// TestDeadlines: a Read or Write suspended past its deadline returns an
// error matching os.ErrDeadlineExceeded, as net.Conn's do; a deadline in
// the past fails at once even with data waiting; clearing it lets a Read
// wait again and succeed; other tasks run meanwhile. The client writes
// only after the server's Read has timed out, and closes only after its
// Write has: a deadline that is not a timer would leave both waiting (a
// guard cancels the server after 5 s).
func TestDeadlines(t *testing.T) {
	l := newLoop(t)
	readTimedOut, writeTimedOut := task.NewFuture[bool](l), task.NewFuture[bool](l)
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	server, err := task.Spawn(l, func(co *task.Co) (string, error) {
		c, err := ln.Accept(co)
		if err != nil {
			return "", err
		}
		defer c.Close()
		buf := make([]byte, 64)
		c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		if _, err := c.Read(co, buf); !errors.Is(err, os.ErrDeadlineExceeded) {
			return "", errors.New("Read past its deadline = " + errString(err) + "; want os.ErrDeadlineExceeded")
		}
		readTimedOut.SetResult(true)
		if err := co.Sleep(10 * time.Millisecond); err != nil { // the client writes meanwhile
			return "", err
		}
		c.SetReadDeadline(time.Now().Add(-time.Second))
		if _, err := c.Read(co, buf); !errors.Is(err, os.ErrDeadlineExceeded) {
			return "", errors.New("Read with a past deadline and data waiting = " + errString(err) + "; want os.ErrDeadlineExceeded")
		}
		c.SetReadDeadline(time.Time{})
		n, err := c.Read(co, buf)
		if err != nil {
			return "", err
		}
		// Fill the socket until a write suspends, then let its deadline pass.
		c.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
		big := make([]byte, 1<<20)
		for {
			if _, err := c.Write(co, big); err != nil {
				if !errors.Is(err, os.ErrDeadlineExceeded) {
					return "", errors.New("Write past its deadline = " + err.Error() + "; want os.ErrDeadlineExceeded")
				}
				writeTimedOut.SetResult(true)
				break
			}
		}
		return string(buf[:n]), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ticks := 0
	var ticker func()
	ticker = func() { ticks++; l.CallLater(time.Millisecond, ticker) }
	l.CallSoon(ticker)
	client, err := task.Spawn(l, func(co *task.Co) (int, error) {
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return 0, err
		}
		defer c.Close()
		if _, err := task.Await(co, readTimedOut); err != nil {
			return 0, err
		}
		n, err := c.Write(co, []byte("hello"))
		if err != nil {
			return n, err
		}
		_, err = task.Await(co, writeTimedOut) // read nothing: the server's writes fill up
		return n, err
	})
	if err != nil {
		t.Fatal(err)
	}
	l.CallLater(5*time.Second, func() { server.Cancel() })
	runUntil(t, l, server.Done)
	got, err := server.Result()
	if err != nil || got != "hello" {
		t.Errorf("server = %q, %v; want \"hello\"", got, err)
	}
	if ticks == 0 {
		t.Errorf("no other callback ran while the server waited")
	}
	client.Cancel()
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}
