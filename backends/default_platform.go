//go:build !evloop_poll && !evloop_select && !evloop_epoll && !evloop_kqueue

package backends

// buildDefault is empty without a tag: the registry's order decides.
const buildDefault = ""
