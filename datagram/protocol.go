package datagram

import (
	"fmt"
	"net/netip"
)

// A Protocol receives a datagram socket's events, as asyncio's
// DatagramProtocol does. Its methods run on the loop's goroutine.
type Protocol interface {
	// ConnectionMade is called first, with the socket's transport.
	ConnectionMade(t *Transport)
	// DatagramReceived is called for each datagram, with its sender. p
	// is only valid during the call: the buffer is reused.
	DatagramReceived(p []byte, from netip.AddrPort)
	// ErrorReceived is called with an error the socket reported (a
	// truncated datagram: api.ErrTruncated; an earlier send refused:
	// unix.ECONNREFUSED; a queued datagram that could not be sent). The
	// socket goes on.
	ErrorReceived(err error)
	// ConnectionLost is called last, with nil once Close has sent what
	// was queued, or the error that ended the socket.
	ConnectionLost(err error)
}

// A PanicError is the error ConnectionLost gets when a Protocol method
// panicked; the panic itself goes to the loop's exception handler.
type PanicError struct {
	Value any
}

func (e *PanicError) Error() string { return fmt.Sprintf("datagram: protocol panicked: %v", e.Value) }
