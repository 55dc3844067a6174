//go:build unix

package stream

import (
	"github.com/evloop/evloop/internal/sock"
	"golang.org/x/sys/unix"
)

// socket opens a non-blocking, close-on-exec stream socket.
func socket(domain int) (int, error) { return sock.Open(domain, unix.SOCK_STREAM) }

// accept takes one pending connection, non-blocking and close-on-exec.
func accept(fd int) (int, unix.Sockaddr, error) {
	for {
		nfd, sa, err := unix.Accept(fd)
		switch err {
		case unix.EINTR, unix.ECONNABORTED:
			continue
		case nil:
		default:
			return -1, nil, err
		}
		unix.CloseOnExec(nfd)
		if err := unix.SetNonblock(nfd, true); err != nil {
			unix.Close(nfd)
			return -1, nil, err
		}
		return nfd, sa, nil
	}
}

func setNoDelay(fd, domain int) {
	if domain != unix.AF_UNIX {
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	}
}
