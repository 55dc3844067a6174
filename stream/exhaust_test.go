//go:build linux

package stream_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAcceptOutOfDescriptors runs an echo server in a child program
// (testdata/exhaust: a plain program, since a test binary starts the
// runtime's poller before any test runs) whose
// descriptor limit leaves room for about 20 connections, and connects 40:
// the server must not spin, must report the condition once, must keep
// serving the connections it has, and must accept the others by itself
// once descriptors are free. Meanwhile something in the child needs the Go
// runtime's own poller, which must not abort the process.
func TestAcceptOutOfDescriptors(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the child program")
	}
	bin := filepath.Join(t.TempDir(), "exhaust")
	if out, err := exec.Command(gobin, "build", "-o", bin, "./testdata/exhaust").CombinedOutput(); err != nil {
		t.Fatalf("building the child: %v\n%s", err, out)
	}
	for _, style := range []string{"callbacks", "tasks"} {
		t.Run(style, func(t *testing.T) { exhaustParent(t, bin, style) })
	}
}

type child struct {
	t   *testing.T
	in  io.WriteCloser
	out *bufio.Reader
}

// The child talks over descriptors 3 and 4 with raw system calls, and its
// standard streams are /dev/null and a regular file: nothing in it makes
// the Go runtime start its poller but what the library does.

// ask sends a command and returns the child's one-line answer.
func (c *child) ask(cmd string) string {
	c.t.Helper()
	fmt.Fprintln(c.in, cmd)
	line, err := c.out.ReadString('\n')
	if err != nil {
		c.t.Fatalf("child, after %q: %v", cmd, err)
	}
	return strings.TrimSpace(line)
}

func (c *child) stats() (iterations, reports int) {
	c.t.Helper()
	if _, err := fmt.Sscanf(c.ask("stats"), "iterations %d reports %d", &iterations, &reports); err != nil {
		c.t.Fatalf("child stats: %v", err)
	}
	return iterations, reports
}

func exhaustParent(t *testing.T, bin, style string) {
	cmd := exec.Command(bin, style)
	stderr, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = stderr, stderr
	inR, in, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{inR, outW}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	inR.Close()
	outW.Close()
	defer func() {
		cmd.Process.Kill()
		if out, _ := os.ReadFile(stderr.Name()); len(out) > 0 {
			t.Logf("child output:\n%s", out)
		}
	}()
	c := &child{t: t, in: in, out: bufio.NewReader(outPipe)}
	addr := c.ask("addr")

	const clients = 40
	conns := make([]net.Conn, clients)
	echoed := make(chan int, clients)
	for i := range conns {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conns[i] = conn
		go func() {
			conn.Write([]byte{'a'})
			conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			if _, err := io.ReadFull(conn, make([]byte, 1)); err == nil {
				echoed <- i
			} else {
				echoed <- -1
			}
		}()
	}
	// Wait until the server has run out of descriptors.
	deadline := time.Now().Add(20 * time.Second)
	for _, reports := c.stats(); reports == 0; _, reports = c.stats() {
		if time.Now().After(deadline) {
			t.Fatal("the server never reported running out of descriptors")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := c.ask("pipe"); got != "pipe: <nil>" {
		t.Errorf("os.Pipe in the exhausted child, with two descriptors freed for it: %q; want success", got)
	}
	// While it waits for descriptors, the loop must block, not spin.
	before, _ := c.stats()
	time.Sleep(200 * time.Millisecond)
	after, _ := c.stats()
	if n := after - before - 1; n > 100 {
		t.Errorf("the loop iterated %d times in 200 ms while out of descriptors; want it to wait (at most 100)", n)
	}
	// The connections it has are served.
	var served []int
	for len(served) == 0 {
		if i := <-echoed; i >= 0 {
			served = append(served, i)
		}
	}
	keep := conns[served[0]]
	keep.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := keep.Write([]byte("b")); err != nil {
		t.Fatal(err)
	}
	if b := make([]byte, 1); func() error { _, err := io.ReadFull(keep, b); return err }() != nil || b[0] != 'b' {
		t.Fatalf("an open connection was not served while the server was out of descriptors")
	}
	// Free every descriptor but one: the rest must now be accepted.
	for len(served) < clients {
		i := <-echoed
		if i < 0 {
			t.Fatalf("%d of %d connections served; a pending one was never accepted", len(served), clients)
		}
		served = append(served, i)
		if i != served[0] {
			conns[i].Close()
		}
	}
	if _, reports := c.stats(); reports != 1 {
		t.Errorf("the server reported running out of descriptors %d times; want once", reports)
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("child: %v", err)
	}
}
