//go:build !unix

// Package poll implements [api.Selector] with poll(2). On this platform it
// is not available: New returns an error wrapping errors.ErrUnsupported.
package poll

import (
	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
)

// Available reports whether this platform has the mechanism.
const Available = false

// New returns an error wrapping errors.ErrUnsupported.
func New() (api.Selector, error) { return nil, backend.Unsupported("poll") }
