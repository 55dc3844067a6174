//go:build unix && (!linux || race)

package nbio

import "golang.org/x/sys/unix"

// Read is read(2), the ordinary call (see the package documentation).
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
