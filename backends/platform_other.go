//go:build !linux && !(darwin || dragonfly || freebsd || netbsd || openbsd)

package backends

const platformDefault = "poll"
