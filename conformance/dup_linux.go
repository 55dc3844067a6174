package conformance

import "golang.org/x/sys/unix"

// dupTo makes newfd a close-on-exec duplicate of oldfd.
func dupTo(oldfd, newfd int) error { return unix.Dup3(oldfd, newfd, unix.O_CLOEXEC) }
