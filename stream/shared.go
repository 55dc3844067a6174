//go:build unix

package stream

import (
	"sync"
	"unsafe"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

// sharedSize is the size of a loop's shared read buffer: as large as the
// callbacks' server buffer, so that one read takes what a socket holds.
const sharedSize = 64 << 10

// shared holds each open loop's read buffer for ReadShared. A loop's
// tasks run one at a time on its goroutine, so one buffer serves them
// all; the mutex guards the map only (a connection looks its loop up
// once).
var shared struct {
	sync.Mutex
	bufs map[*loop.Loop][]byte
}

// sharedBuffer returns l's shared read buffer, made at the first call and
// dropped when l closes.
func sharedBuffer(l *loop.Loop) ([]byte, error) {
	shared.Lock()
	defer shared.Unlock()
	if b, ok := shared.bufs[l]; ok {
		return b, nil
	}
	if _, err := l.OnClose(func() {
		shared.Lock()
		delete(shared.bufs, l)
		shared.Unlock()
	}); err != nil {
		return nil, err
	}
	if shared.bufs == nil {
		shared.bufs = map[*loop.Loop][]byte{}
	}
	b := make([]byte, sharedSize)
	shared.bufs[l] = b
	return b, nil
}

// lent reports whether p lies in l's shared read buffer: data that the
// next ReadShared of any task of l may overwrite.
func lent(l *loop.Loop, p []byte) bool {
	if len(p) == 0 {
		return false
	}
	shared.Lock()
	b := shared.bufs[l]
	shared.Unlock()
	if len(b) == 0 {
		return false
	}
	start, end := uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))+uintptr(len(b))
	at := uintptr(unsafe.Pointer(unsafe.SliceData(p)))
	return at >= start && at < end
}

// ReadShared suspends co until data, the end of the stream (io.EOF) or an
// error arrives, as Read does, and returns the data in a buffer that all
// the tasks of the loop share (gnet's inbound buffer, libuv's read
// callback handed one static buffer): a connection waiting for data
// holds no buffer of its own, so an idle connection costs its task and
// little more. The data is valid until co suspends again (any call that
// waits, this one included); copy what must live longer. Passing it to
// Write is safe: a Write that has to wait copies what it has left first.
func (c *Conn) ReadShared(co *task.Co) ([]byte, error) {
	if c.shared == nil {
		b, err := sharedBuffer(c.l)
		if err != nil {
			return nil, err
		}
		c.shared = b
	}
	n, err := c.Read(co, c.shared)
	if err != nil {
		return nil, err
	}
	return c.shared[:n], nil
}
