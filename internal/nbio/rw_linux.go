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

// SendTo sends p as one datagram to to, as a raw sendto(2) with the
// address built on the stack (x/sys/unix's Sendto takes a Sockaddr, one
// allocation per datagram); the zero AddrPort sends on a connected
// socket. An IPv4 address goes to an AF_INET6 socket mapped; the caller
// has checked that to suits the socket's domain (sock.Fits).
func SendTo(fd int, p []byte, domain int, to netip.AddrPort) error {
	var rsa unix.RawSockaddrAny
	var size uintptr
	switch {
	case !to.IsValid():
	case domain == unix.AF_INET:
		a := (*unix.RawSockaddrInet4)(unsafe.Pointer(&rsa))
		a.Family = unix.AF_INET
		a.Addr = to.Addr().Unmap().As4()
		putPort(&a.Port, to.Port())
		size = unix.SizeofSockaddrInet4
	default:
		a := (*unix.RawSockaddrInet6)(unsafe.Pointer(&rsa))
		a.Family = unix.AF_INET6
		a.Addr = to.Addr().As16()
		putPort(&a.Port, to.Port())
		size = unix.SizeofSockaddrInet6
	}
	var name unsafe.Pointer
	if size > 0 {
		name = unsafe.Pointer(&rsa)
	}
	_, _, errno := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), 0, uintptr(name), size)
	if errno != 0 {
		return errno
	}
	return nil
}

// putPort stores port in network byte order.
func putPort(dst *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(dst))
	b[0], b[1] = byte(port>>8), byte(port)
}
