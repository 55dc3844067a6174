//go:build unix && !linux

package conformance

import "golang.org/x/sys/unix"

// thread stands for the process where a signal cannot be aimed at one
// thread: the kernel picks the thread, so fewer signals hit the wait.
type thread struct{ pid int }

func currentThread() thread { return thread{unix.Getpid()} }

func (t thread) signal() error { return unix.Kill(t.pid, unix.SIGURG) }
