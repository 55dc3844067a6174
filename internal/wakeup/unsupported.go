//go:build !unix

package wakeup

import (
	"errors"
	"fmt"
)

// Waker stands in for the wake-up descriptor where there is none.
type Waker struct{}

// New returns an error wrapping errors.ErrUnsupported.
func New() (*Waker, error) {
	return nil, fmt.Errorf("wake-up descriptor: %w on this platform", errors.ErrUnsupported)
}

func (k *Waker) Fd() int      { return -1 }
func (k *Waker) Wake()        {}
func (k *Waker) Drain()       {}
func (k *Waker) Close() error { return nil }
