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

// A server task (Listen, Accept) and a client task (Dial) on one loop:
// the client sends a line and reads the echo.
func ExampleListener_Accept() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0") // port 0: any free port
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()

	server, err := task.Spawn(l, func(co *task.Co) (int, error) {
		c, err := ln.Accept(co) // suspends until a client connects
		if err != nil {
			return 0, err
		}
		defer c.Close()
		buf := make([]byte, 64)
		n, err := c.Read(co, buf)
		if err != nil {
			return 0, err
		}
		return c.Write(co, buf[:n])
	})
	if err != nil {
		log.Fatal(err)
	}
	client, err := task.Spawn(l, func(co *task.Co) (string, error) {
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return "", err
		}
		defer c.Close()
		if _, err := c.Write(co, []byte("hello")); err != nil {
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
	if _, err := server.Result(); err != nil {
		log.Fatal(err)
	}
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
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0") // port 0: any free port
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	if err := stream.Serve(ln, func() stream.Protocol { return new(upper) }); err != nil {
		log.Fatal(err)
	}

	client, err := task.Spawn(l, func(co *task.Co) (string, error) {
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return "", err
		}
		defer c.Close()
		if _, err := c.Write(co, []byte("shout")); err != nil {
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
	// Output: SHOUT <nil>
}
