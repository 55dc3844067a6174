//go:build !evloop_select

package backends_test

const tagSelect = false
