//go:build !race

package nbio

import (
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Read is read(2) on a non-blocking descriptor, as a raw system call.
func Read(fd int, p []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// Write is write(2) on a non-blocking descriptor, as a raw system call.
func Write(fd int, p []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// RecvFrom receives one datagram into p, as a raw recvmsg(2) with the
// sender's address on the stack: the length received, the sender (the
// zero AddrPort if it is not an IP address), and whether the datagram was
// cut to fit p. Nothing is allocated, where x/sys/unix's Recvmsg makes a
// Sockaddr per datagram.
func RecvFrom(fd int, p []byte) (int, netip.AddrPort, bool, error) {
	var rsa unix.RawSockaddrAny
	var iov unix.Iovec
	iov.Base = unsafe.SliceData(p)
	iov.SetLen(len(p))
	msg := unix.Msghdr{Name: (*byte)(unsafe.Pointer(&rsa)), Namelen: unix.SizeofSockaddrAny, Iov: &iov, Iovlen: 1}
	n, _, errno := unix.RawSyscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), 0)
	if errno != 0 {
		return 0, netip.AddrPort{}, false, errno
	}
	return int(n), rawAddrPort(&rsa), msg.Flags&unix.MSG_TRUNC != 0, nil
}

// rawAddrPort reads an IPv4 or IPv6 socket address; the port is in
// network byte order.
func rawAddrPort(rsa *unix.RawSockaddrAny) netip.AddrPort {
	switch rsa.Addr.Family {
	case unix.AF_INET:
		a := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		port := (*[2]byte)(unsafe.Pointer(&a.Port))
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(port[0])<<8|uint16(port[1]))
	case unix.AF_INET6:
		a := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		port := (*[2]byte)(unsafe.Pointer(&a.Port))
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(port[0])<<8|uint16(port[1]))
	}
	return netip.AddrPort{}
}
