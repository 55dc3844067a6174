//go:build evloop_epoll && !evloop_poll && !evloop_select

package backends

const buildDefault = "epoll"
