//go:build !unix

// Package backend holds what every readiness backend needs. On this
// platform there is no backend; CheckFd, which the loop uses, reports so.
package backend

import (
	"errors"
	"fmt"
)

// CheckFd returns an error wrapping errors.ErrUnsupported.
func CheckFd(fd int) error {
	return fmt.Errorf("descriptors: %w on this platform", errors.ErrUnsupported)
}
