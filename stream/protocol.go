package stream

import "fmt"

// A Protocol receives a connection's events, as asyncio's Protocol does.
// Its methods run on the loop's goroutine.
type Protocol interface {
	// ConnectionMade is called first, with the connection's transport.
	ConnectionMade(t *Transport)
	// DataReceived is called with what arrived. p is only valid during
	// the call: the buffer is reused.
	DataReceived(p []byte)
	// ConnectionLost is called last, with nil for an orderly close (the
	// peer's or the transport's), or the error that ended the connection.
	ConnectionLost(err error)
}

// A WriteFlowController is a Protocol that wants to hear about its
// transport's write buffer: PauseWriting when it grows past the high-water
// mark, ResumeWriting when it drains below the low-water mark.
type WriteFlowController interface {
	PauseWriting()
	ResumeWriting()
}

// A ShutdownNotifier is a Protocol that wants to know when its server
// begins a graceful shutdown (Listener.Shutdown), to end its connection
// early: an HTTP server closes an idle keep-alive connection at once, and
// a busy one after the response in progress.
type ShutdownNotifier interface {
	ShutdownStarted()
}

// A PanicError is the error ConnectionLost gets when a Protocol method
// panicked.
type PanicError struct {
	Value any
}

func (e *PanicError) Error() string { return fmt.Sprintf("stream: protocol panicked: %v", e.Value) }
