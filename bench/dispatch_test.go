//go:build unix

package bench

import (
	"errors"
	"fmt"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends"
)

// BenchmarkDispatch is W1 for every backend and floor.
func BenchmarkDispatch(b *testing.B) {
	for _, fds := range []int{100, 1000, 5000} {
		for _, active := range []int{1, 100} {
			for _, impl := range DispatchImpls() {
				b.Run(fmt.Sprintf("impl=%s/fds=%d/active=%d", impl.Name, fds, active), func(b *testing.B) {
					impl.Run(b, fds, active)
				})
			}
		}
	}
}

// TestDispatch runs W1 briefly on every backend: each must deliver every
// token (a lost event stalls the ring and fails the run).
func TestDispatch(t *testing.T) {
	for _, name := range backends.Names() {
		for _, size := range [][2]int{{10, 1}, {300, 7}, {1100, 100}} {
			sel, err := backends.New(name)
			if errors.Is(err, errors.ErrUnsupported) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			r, err := newRing(size[0], size[1])
			if err != nil {
				t.Fatal(err)
			}
			for _, fd := range r.reads {
				sel.Register(fd, api.Readable)
			}
			r.seed()
			if err := dispatch(sel, r, 5000); err != nil {
				t.Errorf("%s, %d pairs, %d active: %v", name, size[0], size[1], err)
			}
			r.Close()
			sel.Close()
		}
	}
}

func TestFloorsAndLoop(t *testing.T) {
	for _, impl := range DispatchImpls() {
		res := testing.Benchmark(func(b *testing.B) { impl.Run(b, 300, 7) })
		if res.N == 0 {
			t.Errorf("%s: the floor failed", impl.Name)
		}
	}
}

func TestRingArguments(t *testing.T) {
	for _, c := range [][2]int{{0, 1}, {10, 0}, {10, 11}} {
		if r, err := newRing(c[0], c[1]); err == nil {
			r.Close()
			t.Errorf("newRing(%d, %d) = nil error; want one", c[0], c[1])
		}
	}
}
