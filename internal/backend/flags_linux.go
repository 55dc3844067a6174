package backend

import (
	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

// EpollFlags translates epoll's event masks, which io_uring's polls use too.
var EpollFlags = Flags{
	{Kernel: unix.EPOLLIN, Interest: api.Readable},
	{Kernel: unix.EPOLLOUT, Interest: api.Writable},
	{Kernel: unix.EPOLLERR, Interest: api.Error},
	{Kernel: unix.EPOLLHUP, Interest: api.HangUp},
	{Kernel: unix.EPOLLET, Interest: api.EdgeTriggered},
	{Kernel: unix.EPOLLONESHOT, Interest: api.OneShot},
}
