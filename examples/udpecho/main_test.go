//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T, style, addr string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, pw, style, addr, 0) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("run = %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	return strings.Fields(line)[2]
}

func TestUDPEcho(t *testing.T) {
	for _, style := range []string{"callbacks", "tasks"} {
		for _, addr := range []string{"127.0.0.1", "::1"} {
			t.Run(style+"/"+addr, func(t *testing.T) {
				if addr == "::1" {
					if c, err := net.ListenPacket("udp", "[::1]:0"); err != nil {
						t.Skipf("no IPv6 loopback: %v", err)
					} else {
						c.Close()
					}
				}
				server := start(t, style, addr)
				c, err := net.Dial("udp", server)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second)) // a lost datagram fails the test, not hangs it
				for _, n := range []int{0, 1, 1000, 60000} {
					msg := bytes.Repeat([]byte{byte(n)}, n)
					if _, err := c.Write(msg); err != nil {
						t.Fatal(err)
					}
					got := make([]byte, 65536)
					m, err := c.Read(got)
					if err != nil || !bytes.Equal(got[:m], msg) {
						t.Fatalf("echo of %d bytes: got %d, %v", n, m, err)
					}
				}
			})
		}
	}
}

// A client made outside Go: Python's socket module.
func TestPythonClient(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed (apt-get install python3)")
	}
	server := start(t, "callbacks", "127.0.0.1")
	host, port, _ := net.SplitHostPort(server)
	script := `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
for msg in [b"hello", bytes(range(256)), b""]:
    s.sendto(msg, (sys.argv[1], int(sys.argv[2])))
    data, addr = s.recvfrom(65536)
    assert data == msg, (data, msg)
print("ok")
`
	out, err := exec.Command(python, "-c", script, host, port).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("python client: %v\n%s", err, out)
	}
}
