//go:build !unix

// Package fdselect implements [api.Selector] with select(2) (the folder is
// backends/select: select is a Go keyword). On this platform it is not
// available: New returns an error wrapping errors.ErrUnsupported.
package fdselect

import (
	"errors"
	"fmt"

	"github.com/evloop/evloop/api"
)

// Selector stands in for the select selector where there is none.
type Selector struct{ api.Selector }

// New returns an error wrapping errors.ErrUnsupported.
func New() (*Selector, error) {
	return nil, fmt.Errorf("select: %w on this platform", errors.ErrUnsupported)
}
