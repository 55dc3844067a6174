//go:build !linux

// Package epoll implements [api.Selector] with Linux's epoll(7). On this
// platform it is not available: New returns an error wrapping
// errors.ErrUnsupported.
package epoll

import (
	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
)

// Available reports whether this platform has epoll.
const Available = false

// New returns an error wrapping errors.ErrUnsupported.
func New() (api.Selector, error) { return nil, backend.Unsupported("epoll") }
