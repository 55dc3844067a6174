//go:build unix

package stream_test

import (
	"fmt"
	"io"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

// A server task and a client task on one loop: the client sends a line
// and reads the echo.
func ExampleDial() {
	l, _ := loop.New(nil)
	defer l.Close()
	ln, _ := stream.Listen(l, "tcp", "127.0.0.1:0")
	defer ln.Close()

	task.Spawn(l, func(co *task.Co) (int, error) {
		c, err := ln.Accept(co)
		if err != nil {
			return 0, err
		}
		defer c.Close()
		buf := make([]byte, 64)
		n, _ := c.Read(co, buf)
		return c.Write(co, buf[:n])
	})
	client, _ := task.Spawn(l, func(co *task.Co) (string, error) {
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return "", err
		}
		defer c.Close()
		c.Write(co, []byte("hello"))
		c.CloseWrite()
		got, err := readAll(co, c)
		return string(got), err
	})
	client.AddDoneCallback(l.Stop)
	l.Run()
	fmt.Println(client.Result())
	// Output: hello <nil>
}

func readAll(co *task.Co, c *stream.Conn) ([]byte, error) {
	var out []byte
	buf := make([]byte, 64)
	for {
		n, err := c.Read(co, buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

type upper struct{ t *stream.Transport }

func (u *upper) ConnectionMade(t *stream.Transport) { u.t = t }
func (u *upper) DataReceived(p []byte) {
	out := make([]byte, len(p))
	for i, b := range p {
		if 'a' <= b && b <= 'z' {
			b -= 'a' - 'A'
		}
		out[i] = b
	}
	u.t.Write(out)
}
func (u *upper) ConnectionLost(error) {}

// The callback style: a Protocol per connection, writing through its
// Transport.
func ExampleServe() {
	l, _ := loop.New(nil)
	defer l.Close()
	ln, _ := stream.Listen(l, "tcp", "127.0.0.1:0")
	defer ln.Close()
	stream.Serve(ln, func() stream.Protocol { return new(upper) })

	client, _ := task.Spawn(l, func(co *task.Co) (string, error) {
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return "", err
		}
		defer c.Close()
		c.Write(co, []byte("shout"))
		c.CloseWrite()
		got, err := readAll(co, c)
		return string(got), err
	})
	client.AddDoneCallback(l.Stop)
	l.Run()
	fmt.Println(client.Result())
	// Output: SHOUT <nil>
}
