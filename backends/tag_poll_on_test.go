//go:build evloop_poll

package backends_test

const tagPoll = true
