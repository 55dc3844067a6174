//go:build !evloop_poll && !evloop_select && !evloop_epoll && !evloop_kqueue

package backends

const buildDefault = platformDefault
