//go:build unix

package stream

import (
	"fmt"
	"os"
	"syscall"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

// AdoptConn makes a Conn on l from a connected stream socket made
// elsewhere: a *net.TCPConn or *net.UnixConn, an *os.File holding a
// socket (inherited, or from socketpair), anything with SyscallConn. The
// socket is duplicated, as net.FileConn does: the caller keeps the
// original and should close it. The copy is close-on-exec and
// non-blocking; the non-blocking mode is the socket's, so the original
// becomes non-blocking too (a net.Conn is already). The copy is a new
// descriptor that the runtime's poller does not watch: the loop alone
// does. Something that is not a socket fails with an error matching
// unix.ENOTSOCK, a socket that is not a connected stream with
// unix.EPROTOTYPE or unix.ENOTCONN; a closed loop with api.ErrClosed.
func AdoptConn(l *loop.Loop, sc syscall.Conn) (*Conn, error) {
	fd, domain, err := adopt(l, sc, false)
	if err != nil {
		return nil, fmt.Errorf("stream: adopt conn: %w", err)
	}
	peer, err := unix.Getpeername(fd)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stream: adopt conn: %w", os.NewSyscallError("getpeername", err))
	}
	setNoDelay(fd, domain)
	c := newConn(l, fd)
	c.remote = peer
	return c, nil
}

// AdoptListener makes a Listener on l from a listening stream socket
// made elsewhere (a *net.TCPListener, a socket passed by systemd as an
// *os.File), duplicated as AdoptConn does: the caller should close the
// original. A socket that is not listening fails with an error matching
// unix.EINVAL.
func AdoptListener(l *loop.Loop, sc syscall.Conn) (*Listener, error) {
	fd, domain, err := adopt(l, sc, true)
	if err != nil {
		return nil, fmt.Errorf("stream: adopt listener: %w", err)
	}
	local, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("stream: adopt listener: %w", os.NewSyscallError("getsockname", err))
	}
	return &Listener{l: l, fd: fd, domain: domain, addr: netAddr(local)}, nil
}

// adopt duplicates sc's descriptor once it has checked that it is a
// stream socket, listening or not as wanted, and returns the copy,
// non-blocking and close-on-exec, with the socket's domain.
func adopt(l *loop.Loop, sc syscall.Conn, listening bool) (fd, domain int, err error) {
	if l == nil || l.Closed() {
		return -1, 0, api.ErrClosed
	}
	if sc == nil {
		return -1, 0, fmt.Errorf("nil socket: %w", unix.EBADF)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, 0, err
	}
	fd = -1
	var opErr error
	cerr := rc.Control(func(orig uintptr) {
		if opErr = check(int(orig), listening); opErr != nil {
			return
		}
		fd, opErr = unix.FcntlInt(orig, unix.F_DUPFD_CLOEXEC, 0)
		if opErr != nil {
			opErr = os.NewSyscallError("fcntl", opErr)
		}
	})
	if cerr != nil {
		return -1, 0, cerr
	}
	if opErr != nil {
		return -1, 0, opErr
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, 0, os.NewSyscallError("fcntl", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return -1, 0, os.NewSyscallError("getsockname", err)
	}
	switch sa.(type) {
	case *unix.SockaddrInet4:
		domain = unix.AF_INET
	case *unix.SockaddrInet6:
		domain = unix.AF_INET6
	case *unix.SockaddrUnix:
		domain = unix.AF_UNIX
	default:
		unix.Close(fd)
		return -1, 0, fmt.Errorf("socket of another family: %w", unix.EAFNOSUPPORT)
	}
	return fd, domain, nil
}

// check says whether fd is a stream socket, listening or connected as
// wanted.
func check(fd int, listening bool) error {
	typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return os.NewSyscallError("getsockopt", err)
	}
	if typ != unix.SOCK_STREAM {
		return fmt.Errorf("not a stream socket: %w", unix.EPROTOTYPE)
	}
	acc, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	if err != nil {
		return os.NewSyscallError("getsockopt", err)
	}
	switch {
	case listening && acc == 0:
		return fmt.Errorf("socket is not listening: %w", unix.EINVAL)
	case !listening && acc != 0:
		return fmt.Errorf("socket is listening, not connected: %w", unix.ENOTCONN)
	}
	return nil
}
