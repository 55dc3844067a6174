//go:build unix

// Command tlsecho is a TLS echo server on one loop: crypto/tls, unchanged,
// over evloop connections seen as net.Conn by the coroutine serving them.
//
//	go run ./examples/tlsecho -port=0
//
// It listens on 127.0.0.1 and prints the address first. Without -cert and
// -key it makes a self-signed certificate for 127.0.0.1 and localhost at
// start (clients must then skip verification, or trust it: -print-cert
// writes it in PEM to stdout after the address line). Two styles:
// "tasks" accepts with the Listener and wraps each connection with
// tls.Server in its own task; "listener" serves tls.NewListener over the
// Listener seen as a net.Listener, binding each connection to its task.
// Callbacks cannot host crypto/tls, which reads as a blocking net.Conn
// does. On SIGINT or SIGTERM it stops accepting, lets open connections
// finish for up to 5 seconds, and closes the rest.
package main

import (
	"context"
	"crypto/tls"
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

	"github.com/evloop/evloop/internal/selfsigned"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

type config struct {
	style     string
	port      int
	cert, key string
	printCert bool
	grace     time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.style, "style", "tasks", "tasks or listener")
	flag.IntVar(&c.port, "port", 0, "port to listen on, 127.0.0.1 (0: any free port)")
	flag.StringVar(&c.cert, "cert", "", "certificate file (PEM); with -key")
	flag.StringVar(&c.key, "key", "", "private key file (PEM); with -cert")
	flag.BoolVar(&c.printCert, "print-cert", false, "print the self-signed certificate after the address")
	flag.DurationVar(&c.grace, "grace", 5*time.Second, "how long open connections may go on after SIGINT or SIGTERM")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, c); err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

func tlsConfig(c config) (*tls.Config, []byte, error) {
	if (c.cert == "") != (c.key == "") {
		return nil, nil, errors.New("tlsecho: give both -cert and -key, or neither")
	}
	if c.cert != "" {
		cert, err := tls.LoadX509KeyPair(c.cert, c.key)
		if err != nil {
			return nil, nil, err
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}}, nil, nil
	}
	cert, certPEM, err := selfsigned.Certificate("127.0.0.1", "localhost")
	if err != nil {
		return nil, nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, certPEM, nil
}

func run(ctx context.Context, out io.Writer, c config) error {
	if c.style != "tasks" && c.style != "listener" {
		return fmt.Errorf("tlsecho: -style=%q: want tasks or listener", c.style)
	}
	cfg, certPEM, err := tlsConfig(c)
	if err != nil {
		return err
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
	fmt.Fprintf(out, "listening on %s (TLS, %s, backend %s)\n", ln.Addr(), c.style, l.Backend())
	if c.printCert && certPEM != nil {
		out.Write(certPEM)
	}
	accept := acceptTasks
	if c.style == "listener" {
		accept = acceptListener
	}
	if _, err := task.Spawn(l, func(co *task.Co) (struct{}, error) { return struct{}{}, accept(co, ln, cfg) }); err != nil {
		return err
	}
	if err := l.RunUntil(ctx); !errors.Is(err, context.Canceled) {
		return err
	}
	return shutdown(l, ln, out, c.grace)
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

// acceptTasks wraps each accepted connection with tls.Server in a task
// of its own.
func acceptTasks(co *task.Co, ln *stream.Listener, cfg *tls.Config) error {
	for {
		c, err := ln.Accept(co)
		if errors.Is(err, net.ErrClosed) { // the shutdown's
			return nil
		}
		if err != nil {
			return err
		}
		task.Spawn(co.Loop(), func(co *task.Co) (struct{}, error) {
			return struct{}{}, echo(tls.Server(c.NetConn(co), cfg))
		})
	}
}

// acceptListener accepts from tls.NewListener: the handshake happens in
// the serving task, on the first Read, once the connection is bound to it.
func acceptListener(co *task.Co, ln *stream.Listener, cfg *tls.Config) error {
	tl := tls.NewListener(ln.NetListener(co), cfg)
	for {
		c, err := tl.Accept()
		if errors.Is(err, net.ErrClosed) {
			return nil
		}
		if err != nil {
			return err
		}
		task.Spawn(co.Loop(), func(co *task.Co) (struct{}, error) {
			c.(*tls.Conn).NetConn().(*stream.NetConn).Bind(co)
			return struct{}{}, echo(c)
		})
	}
}

// echo writes back what it reads until the client closes (or the
// shutdown does). A failed handshake fails the task: the loop's exception
// handler reports it.
func echo(c net.Conn) error {
	defer c.Close()
	_, err := io.Copy(c, c)
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
