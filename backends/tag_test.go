package backends_test

import "runtime"

// wantBuildDefault is what the build tags in effect must choose.
var wantBuildDefault = func() string {
	switch {
	case tagPoll:
		return "poll"
	case tagSelect:
		return "select"
	case tagEpoll:
		return "epoll"
	case tagKqueue:
		return "kqueue"
	case runtime.GOOS == "linux":
		return "epoll"
	case runtime.GOOS == "darwin", runtime.GOOS == "freebsd", runtime.GOOS == "netbsd",
		runtime.GOOS == "openbsd", runtime.GOOS == "dragonfly":
		return "kqueue"
	}
	return "poll"
}()
