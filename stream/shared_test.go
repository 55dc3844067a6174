//go:build unix

package stream_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

// The tasks of a loop read into one buffer, which the loop's Close gives
// back; a write of shared data that has to wait keeps its own copy, so a
// client whose echo is held up while another connection's data passes
// through the buffer gets back exactly what it sent.
func TestReadShared(t *testing.T) {
	before := stream.SharedLoops()
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	writing := map[int]bool{} // connection number -> suspended in Write
	var bufs [][]byte         // what each connection's first ReadShared returned
	spawn(t, l, func(co *task.Co) (int, error) {
		for i := 0; ; i++ {
			c, err := ln.Accept(co)
			if err != nil {
				return 0, err
			}
			spawn(t, l, func(co *task.Co) (int, error) {
				defer c.Close()
				for first := true; ; first = false {
					p, err := c.ReadShared(co)
					if err != nil {
						return 0, err
					}
					if first {
						bufs = append(bufs, p[:cap(p)])
					}
					writing[i] = true
					_, err = c.Write(co, p)
					writing[i] = false
					if err != nil {
						return 0, err
					}
				}
			})
		}
	})
	addr := ln.Addr().String()
	results := map[string]error{}
	post := func(who string, err error) { l.CallSoonThreadsafe(func() { results[who] = err }) }
	has := func(who string) func() bool { return func() bool { _, ok := results[who]; return ok } }

	// Client 0 sends 4 MB and reads nothing, until its echo is stuck in
	// a Write that waits, holding a chunk of the shared buffer.
	// Small socket buffers, set before connecting, keep the kernel from
	// taking it all.
	small := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10) })
	}}
	a, err := small.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sent := make([]byte, 4<<20)
	for i := range sent {
		sent[i] = byte(i % 251)
	}
	go func() { _, err := a.Write(sent); post("client 0 writes", err) }()
	runUntil(t, l, func() bool { return writing[0] })

	// Client 1 sends its own bytes through the shared buffer meanwhile.
	b, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	other := bytes.Repeat([]byte{0xEE}, 64<<10)
	go func() {
		if _, err := b.Write(other); err != nil {
			post("client 1", err)
			return
		}
		got := make([]byte, len(other))
		_, err := io.ReadFull(b, got)
		if err == nil && !bytes.Equal(got, other) {
			err = io.ErrUnexpectedEOF
		}
		post("client 1", err)
	}()
	runUntil(t, l, has("client 1"))
	if err := results["client 1"]; err != nil {
		t.Fatalf("client 1: %v", err)
	}
	if !writing[0] {
		t.Fatal("the echo of client 0 is no longer waiting: the test proves nothing")
	}
	if len(bufs) != 2 || &bufs[0][0] != &bufs[1][0] {
		t.Errorf("ReadShared on two connections of one loop used %d buffers; want one shared", len(bufs))
	}

	// Now client 0 reads its echo: every byte as sent.
	go func() {
		got := make([]byte, len(sent))
		_, err := io.ReadFull(a, got)
		if err == nil && !bytes.Equal(got, sent) {
			i := 0
			for got[i] == sent[i] {
				i++
			}
			err = fmt.Errorf("echo differs at byte %d: got %#x; want %#x", i, got[i], sent[i])
		}
		post("client 0 reads", err)
	}()
	runUntil(t, l, func() bool { return has("client 0 writes")() && has("client 0 reads")() })
	for _, who := range []string{"client 0 writes", "client 0 reads"} {
		if err := results[who]; err != nil {
			t.Errorf("%s: %v", who, err)
		}
	}
	if stream.SharedLoops() != before+1 {
		t.Errorf("loops holding a shared buffer = %d; want %d", stream.SharedLoops(), before+1)
	}
	l.Close()
	if stream.SharedLoops() != before {
		t.Errorf("loops holding a shared buffer after Close = %d; want %d", stream.SharedLoops(), before)
	}
}
