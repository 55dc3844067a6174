//go:build !linux

package backends

// platformDefault is poll where there is neither epoll nor (yet) kqueue.
const platformDefault = "poll"
