//go:build !unix

package datagram

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

// This platform has no datagram sockets for the loop: the constructors
// return an error wrapping errors.ErrUnsupported.
var errUnsupported = fmt.Errorf("datagram: %w on this platform", errors.ErrUnsupported)

// A Conn is a datagram socket.
type Conn struct{}

// Listen returns an error wrapping errors.ErrUnsupported.
func Listen(l *loop.Loop, network, address string) (*Conn, error) { return nil, errUnsupported }

// Dial returns an error wrapping errors.ErrUnsupported.
func Dial(l *loop.Loop, network, address string) (*Conn, error) { return nil, errUnsupported }

func (c *Conn) Fd() int              { return -1 }
func (c *Conn) LocalAddr() net.Addr  { return nil }
func (c *Conn) RemoteAddr() net.Addr { return nil }
func (c *Conn) Close() error         { return errUnsupported }
func (c *Conn) ReadFrom(co *task.Co, p []byte) (int, netip.AddrPort, error) {
	return 0, netip.AddrPort{}, errUnsupported
}
func (c *Conn) Read(co *task.Co, p []byte) (int, error) { return 0, errUnsupported }
func (c *Conn) WriteTo(co *task.Co, p []byte, addr netip.AddrPort) (int, error) {
	return 0, errUnsupported
}
func (c *Conn) Write(co *task.Co, p []byte) (int, error) { return 0, errUnsupported }

// A Transport is a datagram socket served by a Protocol.
type Transport struct{}

// Serve returns an error wrapping errors.ErrUnsupported.
func Serve(c *Conn, p Protocol) (*Transport, error) { return nil, errUnsupported }

func (t *Transport) SendTo(p []byte, addr netip.AddrPort) error { return errUnsupported }
func (t *Transport) Send(p []byte) error                        { return errUnsupported }
func (t *Transport) BufferedAmount() int                        { return 0 }
func (t *Transport) LocalAddr() net.Addr                        { return nil }
func (t *Transport) Close()                                     {}
