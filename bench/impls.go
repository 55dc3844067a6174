//go:build unix

package bench

import (
	"errors"
	"testing"

	"github.com/evloop/evloop/api"

	"github.com/evloop/evloop/backends"
)

// A DispatchImpl is one implementation of W1.
type DispatchImpl struct {
	Name string
	Run  func(b *testing.B, fds, active int)
}

// DispatchImpls lists W1's implementations on this platform: every
// backend alone, every backend through the loop ("loop-epoll"), then the
// floors.
func DispatchImpls() []DispatchImpl {
	var impls []DispatchImpl
	for _, name := range backends.Names() {
		impls = append(impls, DispatchImpl{name, func(b *testing.B, fds, active int) {
			Dispatch(b, open(b, name), fds, active)
		}})
	}
	for _, name := range backends.Names() {
		impls = append(impls, DispatchImpl{"loop-" + name, func(b *testing.B, fds, active int) {
			DispatchLoop(b, name, fds, active)
		}})
	}
	return append(impls, dispatchFloors...)
}

// open opens the backend called name, skipping the benchmark where this
// system refuses it (io_uring where it is disabled).
func open(b *testing.B, name string) api.Selector {
	sel, err := backends.New(name)
	if errors.Is(err, errors.ErrUnsupported) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return sel
}
