//go:build unix

package datagram_test

import (
	"fmt"
	"log"
	"net/netip"
	"strings"

	"github.com/evloop/evloop/datagram"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

// A task reads a datagram and answers its sender.
func ExampleConn_ReadFrom() {
	_, err := task.Run(nil, func(co *task.Co) (struct{}, error) {
		l := co.Loop()
		server, err := datagram.Listen(l, "udp", "127.0.0.1:0")
		if err != nil {
			return struct{}{}, err
		}
		defer server.Close()
		client, err := datagram.Dial(l, "udp", server.LocalAddr().String())
		if err != nil {
			return struct{}{}, err
		}
		defer client.Close()
		if _, err := client.Write(co, []byte("ping")); err != nil {
			return struct{}{}, err
		}
		buf := make([]byte, 1500)
		n, from, err := server.ReadFrom(co, buf)
		if err != nil {
			return struct{}{}, err
		}
		fmt.Printf("server got %q\n", buf[:n])
		if _, err := server.WriteTo(co, []byte("pong"), from); err != nil {
			return struct{}{}, err
		}
		n, err = client.Read(co, buf)
		if err != nil {
			return struct{}{}, err
		}
		fmt.Printf("client got %q\n", buf[:n])
		return struct{}{}, nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// server got "ping"
	// client got "pong"
}

// upper answers each datagram with its text in capitals.
type upper struct{ t *datagram.Transport }

func (u *upper) ConnectionMade(t *datagram.Transport) { u.t = t }
func (u *upper) DatagramReceived(p []byte, from netip.AddrPort) {
	u.t.SendTo([]byte(strings.ToUpper(string(p))), from)
}
func (u *upper) ErrorReceived(err error) { log.Print(err) }
func (u *upper) ConnectionLost(error)    {}

// A Protocol serves a socket with callbacks; a task plays the client.
func ExampleServe() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	c, err := datagram.Listen(l, "udp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := datagram.Serve(c, new(upper)); err != nil {
		log.Fatal(err)
	}
	client, err := task.Spawn(l, func(co *task.Co) (string, error) {
		d, err := datagram.Dial(l, "udp", c.LocalAddr().String())
		if err != nil {
			return "", err
		}
		defer d.Close()
		if _, err := d.Write(co, []byte("hello")); err != nil {
			return "", err
		}
		buf := make([]byte, 100)
		n, err := d.Read(co, buf)
		return string(buf[:n]), err
	})
	if err != nil {
		log.Fatal(err)
	}
	client.AddDoneCallback(l.Stop)
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	got, err := client.Result()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got)
	// Output: HELLO
}
