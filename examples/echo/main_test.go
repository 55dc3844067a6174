//go:build unix

package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

func TestEcho(t *testing.T) {
	for _, style := range []string{"callbacks", "tasks"} {
		t.Run(style, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() { done <- run(ctx, pw, style, 0) }()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			go io.Copy(io.Discard, pr)
			addr := strings.Fields(line)[2]
			for range 3 { // several connections, one after another
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				for _, msg := range []string{"hello\n", strings.Repeat("z", 100000) + "\n"} {
					c.Write([]byte(msg))
					got := make([]byte, len(msg))
					if _, err := io.ReadFull(c, got); err != nil || string(got) != msg {
						t.Fatalf("echo of %d bytes: got %d, %v", len(msg), len(got), err)
					}
				}
				c.Close()
			}
			cancel()
			if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("run = %v", err)
			}
		})
	}
	if err := run(context.Background(), io.Discard, "threads", 0); err == nil {
		t.Errorf("run with -style=threads = nil error")
	}
}
