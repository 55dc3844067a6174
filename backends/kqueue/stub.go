//go:build unix && !(darwin || dragonfly || freebsd || netbsd || openbsd)

package kqueue

import (
	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
)

const available = false

// New returns an error wrapping errors.ErrUnsupported: this platform has
// no kqueue. (The selector's logic is still built here, and tested on
// Linux against an emulated kevent.)
func New() (api.Selector, error) { return nil, backend.Unsupported("kqueue") }
