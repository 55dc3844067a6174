package bench

import "golang.org/x/sys/unix"

func selectWait(nfd int, r *unix.FdSet, tv *unix.Timeval) (int, error) {
	ts := unix.NsecToTimespec(tv.Nano())
	return unix.Pselect(nfd, r, nil, nil, &ts, nil)
}
