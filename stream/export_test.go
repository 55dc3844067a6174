//go:build unix

package stream

// SharedLoops is the number of loops holding a shared read buffer.
func SharedLoops() int {
	shared.Lock()
	defer shared.Unlock()
	return len(shared.bufs)
}
