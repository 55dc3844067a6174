//go:build evloop_kqueue && !evloop_poll && !evloop_select && !evloop_epoll

package backends

const buildDefault = "kqueue"
