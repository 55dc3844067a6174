//go:build unix

package bench

import (
	"testing"

	"github.com/evloop/evloop/loop"
)

// DispatchLoop is W1 through the whole loop on the backend called name:
// each pair's read end has an AddReader callback that passes the token on;
// the loop runs until every token has been read.
func DispatchLoop(b *testing.B, name string, fds, active int) {
	l, err := loop.New(&loop.Options{Selector: open(b, name)})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	r, err := newRing(fds, active)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	writes, reads, want := b.N, 0, b.N+active
	for i, fd := range r.reads {
		if err := l.AddReader(fd, func() {
			if r.pass(i, &writes) {
				if reads++; reads == want {
					l.Stop()
				}
			}
		}); err != nil {
			b.Fatal(err)
		}
	}
	if err := r.seed(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := l.Run(); err != nil {
		b.Fatal(err)
	}
}
