//go:build !unix

// Package kqueue implements [api.Selector] with kqueue(2), the readiness
// mechanism of macOS and the BSDs. On this platform it is not available:
// New returns an error wrapping errors.ErrUnsupported.
package kqueue

import (
	"errors"
	"fmt"

	"github.com/evloop/evloop/api"
)

// Available reports whether this platform has kqueue.
const Available = false

// Selector stands in for the kqueue selector where there is none.
type Selector struct{ api.Selector }

// New returns an error wrapping errors.ErrUnsupported.
func New() (*Selector, error) {
	return nil, fmt.Errorf("kqueue: %w on this platform", errors.ErrUnsupported)
}
