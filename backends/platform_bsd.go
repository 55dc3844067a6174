//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package backends

const platformDefault = "kqueue"
