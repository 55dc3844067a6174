//go:build !unix

// Package poll implements [api.Selector] with poll(2). On this platform it
// is not available: New returns an error wrapping errors.ErrUnsupported.
package poll

import (
	"errors"
	"fmt"

	"github.com/evloop/evloop/api"
)

// Selector stands in for the poll selector where there is none.
type Selector struct{ api.Selector }

// New returns an error wrapping errors.ErrUnsupported.
func New() (*Selector, error) {
	return nil, fmt.Errorf("poll: %w on this platform", errors.ErrUnsupported)
}
