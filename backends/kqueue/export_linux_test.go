package kqueue

import "github.com/evloop/evloop/api"

// NewEmulated returns a kqueue selector over the emulated kevent, for the
// external tests (the conformance suite imports the registry, which
// imports this package).
func NewEmulated() (api.Selector, error) {
	e := new(emu)
	return newSelector(e.kevent, e.close), nil
}
