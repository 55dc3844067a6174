//go:build unix

package loop_test

import (
	"testing"

	"github.com/evloop/evloop/backends"
	"github.com/evloop/evloop/conformance"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/timers"
)

// TestConformance runs the loop suite on every backend x timer queue
// combination this platform has.
func TestConformance(t *testing.T) {
	for _, b := range backends.Names() {
		for _, q := range timers.Names() {
			t.Run("backend="+b+"/timers="+q, func(t *testing.T) {
				conformance.TestLoop(t, func(opts *loop.Options) (*loop.Loop, error) {
					sel, err := backends.New(b)
					if err != nil {
						return nil, err
					}
					opts.Selector = sel
					opts.Timers, _ = timers.New(q)
					return loop.New(opts)
				})
			})
		}
	}
}
