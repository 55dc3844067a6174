//go:build evloop_poll

package backends

const buildDefault = "poll"
