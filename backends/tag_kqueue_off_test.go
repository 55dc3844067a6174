//go:build !evloop_kqueue

package backends_test

const tagKqueue = false
