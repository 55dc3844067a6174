package kqueue_test

import (
	"testing"

	"github.com/evloop/evloop/backends/kqueue"
	"github.com/evloop/evloop/conformance"
)

func TestUnavailableHere(t *testing.T) {
	if kqueue.Available {
		t.Fatal("Available = true on Linux")
	}
	if s, err := kqueue.New(); err == nil || s != nil {
		t.Errorf("New() = %v, %v; want an error wrapping errors.ErrUnsupported", s, err)
	}
}

// TestConformance runs the whole selector suite on the kqueue selector
// over the emulated kevent.
func TestConformance(t *testing.T) {
	conformance.TestSelector(t, kqueue.NewEmulated)
}
