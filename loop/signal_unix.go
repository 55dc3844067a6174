//go:build unix

package loop

import "syscall"

// uncatchable reports whether no process can handle s.
func uncatchable(s syscall.Signal) bool { return s == syscall.SIGKILL || s == syscall.SIGSTOP }
