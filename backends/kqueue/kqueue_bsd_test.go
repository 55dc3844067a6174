//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package kqueue_test

import (
	"testing"

	"github.com/evloop/evloop/backends/kqueue"
	"github.com/evloop/evloop/conformance"
)

// TestConformance runs the selector suite on the real kqueue. CI compiles
// it for each of these systems; it has not yet been run on one.
func TestConformance(t *testing.T) {
	if !kqueue.Available {
		t.Fatal("Available = false on a kqueue system")
	}
	conformance.TestSelector(t, kqueue.New)
}
