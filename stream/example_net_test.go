//go:build unix

package stream_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

// NetConn lets code written for net.Conn (here bufio; crypto/tls and
// net/http's ReadRequest work the same way) run inside a task.
func ExampleConn_NetConn() {
	got, err := task.Run(nil, func(co *task.Co) (string, error) {
		ln, err := stream.Listen(co.Loop(), "tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		defer ln.Close()
		server, err := task.Spawn(co.Loop(), func(co *task.Co) (string, error) {
			c, err := ln.Accept(co)
			if err != nil {
				return "", err
			}
			nc := c.NetConn(co) // a net.Conn whose Read suspends this task
			defer nc.Close()
			nc.SetReadDeadline(time.Now().Add(5 * time.Second))
			return bufio.NewReader(nc).ReadString('\n')
		})
		if err != nil {
			return "", err
		}
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return "", err
		}
		defer c.Close()
		fmt.Fprintf(c.NetConn(co), "hello from %s\n", "a client")
		return task.Await(co, server)
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(got)
	// Output: hello from a client
}

// Shutdown stops accepting, lets open connections finish, and closes
// those still open when the context ends.
func ExampleListener_Shutdown() {
	cut, err := task.Run(nil, func(co *task.Co) (int, error) {
		ln, err := stream.Listen(co.Loop(), "tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		accepted, err := task.Spawn(co.Loop(), func(co *task.Co) (*stream.Conn, error) { return ln.Accept(co) })
		if err != nil {
			return 0, err
		}
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return 0, err
		}
		defer c.Close()
		if _, err := task.Await(co, accepted); err != nil {
			return 0, err
		}
		// The connection stays open: after the grace period it is cut.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		return task.Await(co, ln.Shutdown(ctx))
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("connections cut:", cut)
	// Output: connections cut: 1
}

// A listener made by package net joins the loop; the original is closed
// once it is adopted.
func ExampleAdoptListener() {
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	_, err = task.Run(nil, func(co *task.Co) (struct{}, error) {
		ln, err := stream.AdoptListener(co.Loop(), nl.(*net.TCPListener))
		nl.Close() // the loop has its own descriptor now
		if err != nil {
			return struct{}{}, err
		}
		defer ln.Close()
		fmt.Println("serving on the adopted listener:", ln.Addr().String() == nl.Addr().String())
		return struct{}{}, nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: serving on the adopted listener: true
}

// A server on two loops, each on a thread of its own with a listener on
// the same address; then a graceful shutdown of the whole group.
func ExampleListenGroup() {
	g, err := loop.NewGroup(2, nil)
	if err != nil {
		log.Fatal(err)
	}
	lns, err := stream.ListenGroup(g, "tcp", "127.0.0.1:0")
	if err != nil {
		g.Close()
		log.Fatal(err)
	}
	err = g.Start(func(i int, l *loop.Loop) error {
		return stream.Serve(lns[i], func() stream.Protocol { return new(upper) })
	})
	if err != nil {
		log.Fatal(err)
	}
	c, err := net.Dial("tcp", lns[0].Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprint(c, "hello")
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(buf))
	c.Close()
	cut, err := stream.ShutdownGroup(context.Background(), g, lns)
	fmt.Println("cut:", cut, err)
	// Output:
	// HELLO
	// cut: 0 <nil>
}
