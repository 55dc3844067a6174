package conformance

import "golang.org/x/sys/unix"

// thread names the calling OS thread, so that a signal reaches the thread
// blocked in the wait rather than whichever one the kernel picks.
type thread struct{ pid, tid int }

func currentThread() thread { return thread{unix.Getpid(), unix.Gettid()} }

func (t thread) signal() error { return unix.Tgkill(t.pid, t.tid, unix.SIGURG) }
