// Package backends is the registry of readiness backends: it builds an
// [api.Selector] by name and knows which one this platform should use.
//
// The default is chosen, from strongest to weakest:
//
//  1. at run time by the environment variable EVLOOP_BACKEND (as libev's
//     LIBEV_FLAGS and libevent's EVENT_NO* do), for trying a backend
//     without rebuilding;
//  2. at build time by one of the tags evloop_poll, evloop_select,
//     evloop_epoll, evloop_kqueue;
//  3. by the platform: the first backend of [Names] it has that is not
//     opt-in (io_uring is): epoll on Linux, kqueue on macOS and the BSDs,
//     poll elsewhere.
//
// A name this package does not know is an error matching [api.ErrUnknown];
// a name it knows that this platform lacks (epoll on macOS) is an error
// matching errors.ErrUnsupported. Both list the names that would work.
// There is no silent fallback.
package backends

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends/epoll"
	"github.com/evloop/evloop/backends/kqueue"
	"github.com/evloop/evloop/backends/poll"
	fdselect "github.com/evloop/evloop/backends/select"
	"github.com/evloop/evloop/backends/uring"
)

// EnvVar is the environment variable that overrides the default backend.
const EnvVar = "EVLOOP_BACKEND"

type backend struct {
	name      string
	available bool // built for this platform
	optIn     bool // never the default: used only when named
	open      func() (api.Selector, error)
}

// registry lists every backend, in order of preference.
var registry = []backend{
	{"epoll", epoll.Available, false, epoll.New},
	{"kqueue", kqueue.Available, false, kqueue.New},
	{"io_uring", uring.Available, true, uring.New},
	{"poll", poll.Available, false, poll.New},
	{"select", fdselect.Available, false, fdselect.New},
}

// Names lists the backends this platform has, in order of preference.
// io_uring is listed on Linux; whether this kernel lets a process use it
// is known only when New tries (an error matching errors.ErrUnsupported
// says why not).
func Names() []string {
	var names []string
	for _, b := range registry {
		if b.available {
			names = append(names, b.name)
		}
	}
	return names
}

// New opens the backend called name.
func New(name string) (api.Selector, error) {
	for _, b := range registry {
		if b.name != name {
			continue
		}
		if !b.available {
			return nil, fmt.Errorf("backends: %q is not available on %s (available: %s): %w",
				name, runtime.GOOS, strings.Join(Names(), ", "), errors.ErrUnsupported)
		}
		return b.open()
	}
	return nil, fmt.Errorf("backends: no backend %q (available: %s): %w",
		name, strings.Join(Names(), ", "), api.ErrUnknown)
}

// Default returns the name of the backend to use: EVLOOP_BACKEND if it is
// set, else the build-time default ([BuildDefault]).
func Default() string {
	if name := os.Getenv(EnvVar); name != "" {
		return name
	}
	return BuildDefault()
}

// BuildDefault returns the default chosen when the program was built: by
// an evloop_* build tag, else the first backend in order of preference
// that this platform has and that is not opt-in.
func BuildDefault() string {
	if buildDefault != "" {
		return buildDefault
	}
	for _, b := range registry {
		if b.available && !b.optIn {
			return b.name
		}
	}
	return "poll" // a platform without any: New says why
}

// NewDefault opens the [Default] backend. An EVLOOP_BACKEND naming a
// backend this platform lacks is an error, not a fallback.
func NewDefault() (api.Selector, error) {
	s, err := New(Default())
	if err != nil && os.Getenv(EnvVar) != "" {
		return nil, fmt.Errorf("%s=%s: %w", EnvVar, os.Getenv(EnvVar), err)
	}
	return s, err
}
