//go:build !unix

package stream

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

// This platform has no stream sockets for the loop: the constructors
// return an error wrapping errors.ErrUnsupported, so that a program that
// also builds here compiles, and finds out at run time.
var errUnsupported = fmt.Errorf("stream: %w on this platform", errors.ErrUnsupported)

// A Listener accepts stream connections.
type Listener struct{}

// Listen returns an error wrapping errors.ErrUnsupported.
func Listen(l *loop.Loop, network, address string) (*Listener, error) { return nil, errUnsupported }

func (ln *Listener) Addr() net.Addr                         { return nil }
func (ln *Listener) Fd() int                                { return -1 }
func (ln *Listener) Accept(co *task.Co) (*Conn, error)      { return nil, errUnsupported }
func (ln *Listener) Close() error                           { return errUnsupported }
func Serve(ln *Listener, newProtocol func() Protocol) error { return errUnsupported }

// A Conn is a connected stream socket used from tasks.
type Conn struct{}

// Dial returns an error wrapping errors.ErrUnsupported.
func Dial(co *task.Co, network, address string) (*Conn, error) { return nil, errUnsupported }

func (c *Conn) Fd() int                                  { return -1 }
func (c *Conn) Read(co *task.Co, p []byte) (int, error)  { return 0, errUnsupported }
func (c *Conn) ReadShared(co *task.Co) ([]byte, error)   { return nil, errUnsupported }
func (c *Conn) Write(co *task.Co, p []byte) (int, error) { return 0, errUnsupported }
func (c *Conn) CloseWrite() error                        { return errUnsupported }
func (c *Conn) Close() error                             { return errUnsupported }

func (c *Conn) SetDeadline(time.Time) error      { return errUnsupported }
func (c *Conn) SetReadDeadline(time.Time) error  { return errUnsupported }
func (c *Conn) SetWriteDeadline(time.Time) error { return errUnsupported }

// A Transport is a connection's writing end for a Protocol.
type Transport struct{}

func (t *Transport) Write(p []byte) error { return errUnsupported }
func (t *Transport) PauseReading()        {}
func (t *Transport) ResumeReading()       {}
func (t *Transport) BufferedAmount() int  { return 0 }
func (t *Transport) Close()               {}

func (t *Transport) SetIdleTimeout(time.Duration) {}

func (c *Conn) LocalAddr() net.Addr       { return nil }
func (c *Conn) RemoteAddr() net.Addr      { return nil }
func (t *Transport) LocalAddr() net.Addr  { return nil }
func (t *Transport) RemoteAddr() net.Addr { return nil }

// AdoptConn returns an error wrapping errors.ErrUnsupported.
func AdoptConn(l *loop.Loop, sc syscall.Conn) (*Conn, error) { return nil, errUnsupported }

// AdoptListener returns an error wrapping errors.ErrUnsupported.
func AdoptListener(l *loop.Loop, sc syscall.Conn) (*Listener, error) { return nil, errUnsupported }

func (ln *Listener) Shutdown(ctx context.Context) *task.Future[int] {
	f := task.NewFuture[int](nil)
	f.SetError(errUnsupported)
	return f
}
func (c *Conn) OnShutdown(fn func()) {}

// ListenGroup returns an error wrapping errors.ErrUnsupported.
func ListenGroup(g *loop.Group, network, address string) ([]*Listener, error) {
	return nil, errUnsupported
}

// ShutdownGroup returns an error wrapping errors.ErrUnsupported.
func ShutdownGroup(ctx context.Context, g *loop.Group, lns []*Listener) (int, error) {
	return 0, errUnsupported
}
