//go:build unix

// Command echo is a TCP echo server on one loop, in either of asyncio's
// two styles: callbacks (a Protocol and its Transport: the fastest path)
// or tasks (a coroutine per connection that reads and writes).
//
//	go run ./examples/echo -style=tasks -port=0
//
// With -loops N it runs N loops, each on a thread of its own with a
// listener of its own on the same address (one per core with -loops 0).
// It listens on 127.0.0.1, prints the address it got, and runs until
// interrupted: on SIGINT or SIGTERM it stops accepting, gives the open
// connections -grace to finish, closes what is left and says how many.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

func main() {
	style := flag.String("style", "callbacks", "callbacks or tasks")
	port := flag.Int("port", 0, "port to listen on, 127.0.0.1 (0: any free port)")
	grace := flag.Duration("grace", 5*time.Second, "how long open connections may go on after SIGINT or SIGTERM")
	loops := flag.Int("loops", 1, "loops, each on a thread of its own (0: one per core)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *style, *port, *grace, *loops); err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, style string, port int, grace time.Duration, loops int) error {
	if style != "callbacks" && style != "tasks" {
		return fmt.Errorf("echo: -style=%q: want callbacks or tasks", style)
	}
	if loops != 1 {
		return runGroup(ctx, out, style, port, grace, loops)
	}
	l, err := loop.New(nil)
	if err != nil {
		return err
	}
	defer l.Close()
	ln, err := stream.Listen(l, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Fprintf(out, "listening on %s (%s, backend %s)\n", ln.Addr(), style, l.Backend())
	if err := serve(l, ln, style); err != nil {
		return err
	}
	if err := l.RunUntil(ctx); !errors.Is(err, context.Canceled) {
		return err
	}
	return shutdown(l, ln, out, grace)
}

// runGroup serves on a loop per core (or loops of them), each with a
// listener of its own on the same address.
func runGroup(ctx context.Context, out io.Writer, style string, port int, grace time.Duration, loops int) error {
	g, err := loop.NewGroup(loops, nil)
	if err != nil {
		return err
	}
	lns, err := stream.ListenGroup(g, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		g.Close()
		return err
	}
	fmt.Fprintf(out, "listening on %s (%s, %d loops, backend %s)\n", lns[0].Addr(), style, g.Len(), g.Loop(0).Backend())
	if err := g.Start(func(i int, l *loop.Loop) error { return serve(l, lns[i], style) }); err != nil {
		return errors.Join(err, g.Wait())
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	cut, err := stream.ShutdownGroup(sctx, g, lns)
	fmt.Fprintf(out, "shut down: %d connections closed at the deadline\n", cut)
	return err
}

// serve starts serving ln on l in the chosen style.
func serve(l *loop.Loop, ln *stream.Listener, style string) error {
	if style == "callbacks" {
		return stream.Serve(ln, func() stream.Protocol { return new(echoProtocol) })
	}
	_, err := task.Spawn(l, func(co *task.Co) (struct{}, error) { return struct{}{}, acceptLoop(co, ln) })
	return err
}

// shutdown stops accepting, lets the open connections go on for grace,
// closes those left and says how many.
func shutdown(l *loop.Loop, ln *stream.Listener, out io.Writer, grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	f := ln.Shutdown(ctx)
	f.AddDoneCallback(l.Stop)
	if err := l.Run(); err != nil {
		return err
	}
	cut, err := f.Result()
	fmt.Fprintf(out, "shut down: %d connections closed at the deadline\n", cut)
	return err
}

// echoProtocol writes back what it receives; when its peer does not read
// fast enough, it stops reading until the transport has drained.
type echoProtocol struct{ t *stream.Transport }

func (e *echoProtocol) ConnectionMade(t *stream.Transport) { e.t = t }
func (e *echoProtocol) DataReceived(p []byte)              { e.t.Write(p) }
func (e *echoProtocol) ConnectionLost(error)               {}
func (e *echoProtocol) PauseWriting()                      { e.t.PauseReading() }
func (e *echoProtocol) ResumeWriting()                     { e.t.ResumeReading() }

// acceptLoop spawns a task per connection.
func acceptLoop(co *task.Co, ln *stream.Listener) error {
	for {
		c, err := ln.Accept(co)
		if errors.Is(err, net.ErrClosed) { // the shutdown's
			return nil
		}
		if err != nil {
			return err
		}
		task.Spawn(co.Loop(), func(co *task.Co) (struct{}, error) { return struct{}{}, echo(co, c) })
	}
}

// echo reads into the loop's shared buffer (ReadShared), so that a
// connection waiting for data holds no buffer of its own.
func echo(co *task.Co, c *stream.Conn) error {
	defer c.Close()
	for {
		p, err := c.ReadShared(co)
		if err == io.EOF || errors.Is(err, net.ErrClosed) { // the client's end, or the shutdown's
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := c.Write(co, p); err != nil {
			return err
		}
	}
}
