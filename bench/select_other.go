//go:build unix && !linux

package bench

import "golang.org/x/sys/unix"

func selectWait(nfd int, r *unix.FdSet, tv *unix.Timeval) (int, error) {
	return unix.Select(nfd, r, nil, nil, tv)
}
