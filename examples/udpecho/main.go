//go:build unix

// Command udpecho is a UDP echo server on one loop: every datagram goes
// back to its sender, in either style (callbacks: a datagram Protocol;
// tasks: a coroutine that reads and writes).
//
//	go run ./examples/udpecho -port=0
//
// It listens on 127.0.0.1 (-addr chooses another address, "[::1]" for
// IPv6), prints the address first, and runs until SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"syscall"

	"github.com/evloop/evloop/datagram"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

func main() {
	style := flag.String("style", "callbacks", "callbacks or tasks")
	addr := flag.String("addr", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 0, "port to listen on (0: any free port)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *style, *addr, *port); err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, style, addr string, port int) error {
	if style != "callbacks" && style != "tasks" {
		return fmt.Errorf("udpecho: -style=%q: want callbacks or tasks", style)
	}
	l, err := loop.New(nil)
	if err != nil {
		return err
	}
	defer l.Close()
	c, err := datagram.Listen(l, "udp", net.JoinHostPort(addr, fmt.Sprint(port)))
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(out, "listening on %s (UDP, %s, backend %s)\n", c.LocalAddr(), style, l.Backend())
	if style == "callbacks" {
		_, err = datagram.Serve(c, new(echoProtocol))
	} else {
		_, err = task.Spawn(l, func(co *task.Co) (struct{}, error) { return struct{}{}, echo(co, c) })
	}
	if err != nil {
		return err
	}
	return l.RunUntil(ctx)
}

// echoProtocol sends each datagram back; what fails is logged, not lost
// in silence, and the server goes on.
type echoProtocol struct{ t *datagram.Transport }

func (e *echoProtocol) ConnectionMade(t *datagram.Transport) { e.t = t }
func (e *echoProtocol) DatagramReceived(p []byte, from netip.AddrPort) {
	if err := e.t.SendTo(p, from); err != nil {
		log.Printf("udpecho: send to %v: %v", from, err)
	}
}
func (e *echoProtocol) ErrorReceived(err error) { log.Printf("udpecho: %v", err) }
func (e *echoProtocol) ConnectionLost(error)    {}

// echo reads datagrams and writes each back to its sender.
func echo(co *task.Co, c *datagram.Conn) error {
	buf := make([]byte, 64<<10)
	for {
		n, from, err := c.ReadFrom(co, buf)
		if errors.Is(err, net.ErrClosed) {
			return nil
		}
		if err != nil {
			log.Printf("udpecho: %v", err) // a truncated datagram, a refusal: go on
			continue
		}
		if _, err := c.WriteTo(co, buf[:n], from); err != nil {
			log.Printf("udpecho: send to %v: %v", from, err)
		}
	}
}
