//go:build unix

// Command http is a small HTTP/1.1 server on one loop: "Hello, World!" in
// plain text for GET / (and HEAD /), 404 for anything else, with
// keep-alive and pipelining (responses go back in order, those for
// requests that arrived together in one write), in either style:
//
//	go run ./examples/http -style=callbacks -port=8080
//
// callbacks parses requests itself in a Protocol, the fastest path;
// tasks reads them with net/http's ReadRequest from a bufio.Reader over
// the connection seen as a net.Conn. It listens on 127.0.0.1 and prints
// the address first; with -loops N it runs N loops, each on a thread of
// its own with a listener on the same address. A connection quiet for
// -idle is closed. On SIGINT or
// SIGTERM it stops accepting, closes idle connections at once and busy
// ones after their response, and after -grace closes what is left.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

type config struct {
	style       string
	port, loops int
	idle, grace time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.style, "style", "callbacks", "callbacks or tasks")
	flag.IntVar(&c.port, "port", 0, "port to listen on, 127.0.0.1 (0: any free port)")
	flag.DurationVar(&c.idle, "idle", time.Minute, "close a connection quiet for this long")
	flag.DurationVar(&c.grace, "grace", 5*time.Second, "how long open connections may go on after SIGINT or SIGTERM")
	flag.IntVar(&c.loops, "loops", 1, "loops, each on a thread of its own (0: one per core)")
	size := flag.Int("size", 0, "answer GET / with this many bytes instead of Hello, World! (for benchmarks)")
	flag.Parse()
	setSize(*size)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, c); err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, c config) error {
	if c.style != "callbacks" && c.style != "tasks" {
		return fmt.Errorf("http: -style=%q: want callbacks or tasks", c.style)
	}
	if c.loops != 1 {
		return runGroup(ctx, out, c)
	}
	l, err := loop.New(nil)
	if err != nil {
		return err
	}
	defer l.Close()
	ln, err := stream.Listen(l, "tcp", fmt.Sprintf("127.0.0.1:%d", c.port))
	if err != nil {
		return err
	}
	defer ln.Close()
	fmt.Fprintf(out, "listening on %s (HTTP, %s, backend %s)\n", ln.Addr(), c.style, l.Backend())
	if err := serve(l, ln, c); err != nil {
		return err
	}
	if err := l.RunUntil(ctx); !errors.Is(err, context.Canceled) {
		return err
	}
	return shutdown(l, ln, out, c.grace)
}

// runGroup serves on a loop per core (or c.loops of them), each with a
// listener of its own on the same address.
func runGroup(ctx context.Context, out io.Writer, c config) error {
	g, err := loop.NewGroup(c.loops, nil)
	if err != nil {
		return err
	}
	lns, err := stream.ListenGroup(g, "tcp", fmt.Sprintf("127.0.0.1:%d", c.port))
	if err != nil {
		g.Close()
		return err
	}
	fmt.Fprintf(out, "listening on %s (HTTP, %s, %d loops, backend %s)\n", lns[0].Addr(), c.style, g.Len(), g.Loop(0).Backend())
	if err := g.Start(func(i int, l *loop.Loop) error { return serve(l, lns[i], c) }); err != nil {
		return errors.Join(err, g.Wait())
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), c.grace)
	defer cancel()
	cut, err := stream.ShutdownGroup(sctx, g, lns)
	fmt.Fprintf(out, "shut down: %d connections closed at the deadline\n", cut)
	return err
}

// serve starts serving ln on l in the chosen style.
func serve(l *loop.Loop, ln *stream.Listener, c config) error {
	if c.style == "callbacks" {
		return stream.Serve(ln, func() stream.Protocol { return &httpProtocol{idle: c.idle} })
	}
	_, err := task.Spawn(l, func(co *task.Co) (struct{}, error) { return struct{}{}, acceptLoop(co, ln, c.idle) })
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
