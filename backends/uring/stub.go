//go:build !linux

// Package uring implements [api.Selector] with Linux's io_uring. On this
// platform it is not available: New returns an error wrapping
// errors.ErrUnsupported.
package uring

import (
	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
)

// Available reports whether this platform may have io_uring.
const Available = false

// New returns an error wrapping errors.ErrUnsupported.
func New() (api.Selector, error) { return nil, backend.Unsupported("io_uring") }
