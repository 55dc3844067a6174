//go:build linux

package uring_test

import (
	"errors"
	"testing"

	"github.com/evloop/evloop/backends/uring"
	"github.com/evloop/evloop/conformance"
)

// newOrSkip skips where this kernel has no usable io_uring (New says why);
// CI's kernel has it, and the per-backend rerun fails if it does not.
func newOrSkip(t *testing.T) {
	t.Helper()
	s, err := uring.New()
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestConformance(t *testing.T) {
	newOrSkip(t)
	conformance.TestSelector(t, uring.New)
}
