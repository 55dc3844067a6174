//go:build dragonfly || freebsd || netbsd || openbsd

package kqueue

import "golang.org/x/sys/unix"

func darwinCap(ts *unix.Timespec) *unix.Timespec { return ts }
