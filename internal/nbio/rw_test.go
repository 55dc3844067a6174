//go:build unix

package nbio_test

import (
	"errors"
	"testing"

	"github.com/evloop/evloop/internal/nbio"
	"golang.org/x/sys/unix"
)

// Read and Write behave as read(2) and write(2) on a non-blocking socket:
// the bytes written are the bytes read, an empty socket says EAGAIN, a
// zero-length read or write moves nothing, a closed peer reads as 0, and
// a descriptor that is not open says EBADF, matchable with errors.Is.
func TestReadWrite(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[1])
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	buf := make([]byte, 16)
	if n, err := nbio.Read(fds[1], buf); n != 0 || !errors.Is(err, unix.EAGAIN) {
		t.Errorf("Read(empty socket) = %d, %v; want 0, EAGAIN", n, err)
	}
	if n, err := nbio.Write(fds[0], []byte("hello")); n != 5 || err != nil {
		t.Errorf("Write(hello) = %d, %v; want 5, nil", n, err)
	}
	if n, err := nbio.Write(fds[0], nil); n != 0 || err != nil {
		t.Errorf("Write(nil) = %d, %v; want 0, nil", n, err)
	}
	if n, err := nbio.Read(fds[1], buf[:0]); n != 0 || err != nil {
		t.Errorf("Read(zero-length buffer) = %d, %v; want 0, nil", n, err)
	}
	if n, err := nbio.Read(fds[1], buf[:3]); n != 3 || err != nil || string(buf[:n]) != "hel" {
		t.Errorf("Read(3 bytes) = %d, %v (%q); want 3, nil (\"hel\")", n, err, buf[:n])
	}
	if n, err := nbio.Read(fds[1], buf); n != 2 || err != nil || string(buf[:n]) != "lo" {
		t.Errorf("Read = %d, %v (%q); want 2, nil (\"lo\")", n, err, buf[:n])
	}
	unix.Close(fds[0])
	if n, err := nbio.Read(fds[1], buf); n != 0 || err != nil {
		t.Errorf("Read(closed peer) = %d, %v; want 0, nil (end of stream)", n, err)
	}
	if n, err := nbio.Write(fds[0], []byte("x")); n != 0 || !errors.Is(err, unix.EBADF) {
		t.Errorf("Write(closed descriptor) = %d, %v; want 0, EBADF", n, err)
	}
	if n, err := nbio.Read(fds[0], buf); n != 0 || !errors.Is(err, unix.EBADF) {
		t.Errorf("Read(closed descriptor) = %d, %v; want 0, EBADF", n, err)
	}
}
