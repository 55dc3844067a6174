//go:build evloop_epoll

package backends_test

const tagEpoll = true
