//go:build linux

package nbio_test

import (
	"testing"

	"github.com/evloop/evloop/internal/nbio"
	"golang.org/x/sys/unix"
)

// BenchmarkReadWrite is one 64-byte write and the read of it on a Unix
// socket pair, through nbio (raw system calls, except under -race) and
// through x/sys/unix (the runtime told of each call):
//
//	go test -run '^$' -bench ReadWrite -count 12 ./internal/nbio > rw.txt
//	go -C bench tool benchstat -col /impl ../rw.txt
func BenchmarkReadWrite(b *testing.B) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	p := make([]byte, 64)
	impls := []struct {
		name        string
		read, write func(int, []byte) (int, error)
	}{
		{"nbio", nbio.Read, nbio.Write},
		{"unix", unix.Read, unix.Write},
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := impl.write(fds[0], p); err != nil {
					b.Fatal(err)
				}
				if _, err := impl.read(fds[1], p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
