//go:build !unix

// Package fdselect implements [api.Selector] with select(2) (the folder is
// backends/select: select is a Go keyword). On this platform it is not
// available: New returns an error wrapping errors.ErrUnsupported.
package fdselect

import (
	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
)

// Available reports whether this platform has the mechanism.
const Available = false

// New returns an error wrapping errors.ErrUnsupported.
func New() (api.Selector, error) { return nil, backend.Unsupported("select") }
