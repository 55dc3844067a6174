//go:build unix

package stream

import (
	"os"

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

// closeSocket shuts the socket down, then closes the descriptor. Closing
// alone ends the connection only when the last reference to the socket
// goes, and a readiness backend can hold one past the close: an io_uring
// poll request keeps its file until its cancellation has completed, which
// can wait for the thread that armed it, and meanwhile the peer would see
// no end of the stream (and a listener's port would stay bound). Shutting
// down first sends the FIN (or stops the listener) at once, and wakes
// such a request, which then lets the file go.
func closeSocket(fd int) error {
	unix.Shutdown(fd, unix.SHUT_RDWR) // ENOTCONN for a socket never connected: nothing to end
	return os.NewSyscallError("close", unix.Close(fd))
}
