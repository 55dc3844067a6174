//go:build !unix

package backend

// CheckFd reports that this platform has no descriptors to wait for.
func CheckFd(fd int) error { return Unsupported("descriptors") }

// CheckPollable reports that this platform has no descriptors to wait for.
func CheckPollable(fd int) error { return Unsupported("descriptors") }
