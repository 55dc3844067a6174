//go:build unix

package stream_test

import (
	"fmt"
	"io"
	"log"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

// An echo server whose connections hold no read buffer while they wait:
// ReadShared lends the loop's buffer until the task next suspends, and
// Write copies what it cannot send at once.
func ExampleConn_ReadShared() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	if _, err := task.Spawn(l, func(co *task.Co) (int, error) {
		c, err := ln.Accept(co)
		if err != nil {
			return 0, err
		}
		defer c.Close()
		for {
			p, err := c.ReadShared(co)
			if err == io.EOF {
				return 0, nil
			}
			if err != nil {
				return 0, err
			}
			if _, err := c.Write(co, p); err != nil {
				return 0, err
			}
		}
	}); err != nil {
		log.Fatal(err)
	}
	client, err := task.Spawn(l, func(co *task.Co) (string, error) {
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return "", err
		}
		defer c.Close()
		if _, err := c.Write(co, []byte("borrowed")); err != nil {
			return "", err
		}
		if err := c.CloseWrite(); err != nil {
			return "", err
		}
		got, err := readAll(co, c)
		return string(got), err
	})
	if err != nil {
		log.Fatal(err)
	}
	client.AddDoneCallback(l.Stop)
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.Result())
	// Output: borrowed <nil>
}
