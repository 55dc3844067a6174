//go:build !linux

// Package epoll implements [api.Selector] with Linux's epoll(7). On this
// platform it is not available: New returns an error wrapping
// errors.ErrUnsupported.
package epoll

import (
	"errors"
	"fmt"

	"github.com/evloop/evloop/api"
)

// Available reports whether this platform has epoll.
const Available = false

// Selector stands in for the epoll selector where there is none.
type Selector struct{ api.Selector }

// New returns an error wrapping errors.ErrUnsupported.
func New() (*Selector, error) {
	return nil, fmt.Errorf("epoll: %w on this platform", errors.ErrUnsupported)
}
