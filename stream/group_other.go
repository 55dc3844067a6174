//go:build unix && !linux

package stream

// spreadByKernel: SO_REUSEPORT here gives every connection to one socket.
var spreadByKernel = false
