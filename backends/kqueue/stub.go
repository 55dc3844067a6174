//go:build unix && !(darwin || dragonfly || freebsd || netbsd || openbsd)

package kqueue

import (
	"errors"
	"fmt"
)

const available = false

// New returns an error wrapping errors.ErrUnsupported: this platform has
// no kqueue. (The selector's logic is still built here, and tested on
// Linux against an emulated kevent.)
func New() (*Selector, error) {
	return nil, fmt.Errorf("kqueue: %w on this platform", errors.ErrUnsupported)
}
