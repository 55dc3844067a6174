//go:build unix && (!linux || race)

package sock

import "golang.org/x/sys/unix"

// Read is read(2), an ordinary call: elsewhere than on Linux system calls
// go through the C library (macOS) or are not worth a raw path of their
// own, and under the race detector x/sys/unix's annotations are wanted.
// On an error it returns 0, as the raw path does.
func Read(fd int, p []byte) (int, error) {
	n, err := unix.Read(fd, p)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Write is write(2), as Read.
func Write(fd int, p []byte) (int, error) {
	n, err := unix.Write(fd, p)
	if err != nil {
		return 0, err
	}
	return n, nil
}
