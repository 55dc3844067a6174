//go:build unix && !linux

package conformance

import "golang.org/x/sys/unix"

// dupTo makes newfd a close-on-exec duplicate of oldfd.
func dupTo(oldfd, newfd int) error {
	if err := unix.Dup2(oldfd, newfd); err != nil {
		return err
	}
	unix.CloseOnExec(newfd)
	return nil
}
