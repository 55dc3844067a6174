//go:build !unix

// Package kqueue implements [api.Selector] with kqueue(2), the readiness
// mechanism of macOS and the BSDs. On this platform it is not available:
// New returns an error wrapping errors.ErrUnsupported.
package kqueue

import (
	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
)

// Available reports whether this platform has kqueue.
const Available = false

// New returns an error wrapping errors.ErrUnsupported.
func New() (api.Selector, error) { return nil, backend.Unsupported("kqueue") }
