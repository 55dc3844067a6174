package stream_test

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

// readCalls returns the read system calls this process has made, from
// /proc/self/io.
func readCalls(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Skipf("no read count: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("syscr: ")); ok {
			n, err := strconv.Atoi(string(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no syscr in /proc/self/io")
	return 0
}

// TestTaskReadsOncePerMessage: a task echoing messages that arrive one at
// a time makes one read system call per message. When its readiness
// callback woke it through a later callback, the loop polled in between,
// found the descriptor readable still (the task had not read yet) and
// queued the callback again; run after the task had read, it woke the
// task for a read that found nothing (EAGAIN), about once per message.
func TestTaskReadsOncePerMessage(t *testing.T) {
	l := newLoop(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	f0, peer := os.NewFile(uintptr(fds[0]), "server"), os.NewFile(uintptr(fds[1]), "client")
	defer peer.Close()
	c, err := stream.AdoptConn(l, f0)
	f0.Close()
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	tk := spawn(t, l, func(co *task.Co) (int, error) {
		defer c.Close()
		buf := make([]byte, 256) // a short read says the socket is drained
		for i := range n {
			m, err := c.Read(co, buf)
			if err != nil {
				return i, err
			}
			if _, err := c.Write(co, buf[:m]); err != nil {
				return i, err
			}
		}
		return n, nil
	})
	before := readCalls(t)
	done := make(chan error, 1)
	go func() { // blocking reads: one per echo
		msg, got := bytes.Repeat([]byte("m"), 64), make([]byte, 64)
		for range n {
			if _, err := peer.Write(msg); err != nil {
				done <- err
				return
			}
			if _, err := io.ReadFull(peer, got); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	runUntil(t, l, tk.Done)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	reads := readCalls(t) - before
	t.Logf("%d messages: %d read calls", n, reads)
	if got, err := tk.Result(); got != n || err != nil {
		t.Fatalf("echo task = %d, %v; want %d, nil", got, err, n)
	}
	// n reads by the task, n by the client, a few to spare.
	if reads > 2*n+n/10 {
		t.Errorf("echoing %d messages made %d read calls; want at most %d (one per message on each side)", n, reads, 2*n+n/10)
	}
}
