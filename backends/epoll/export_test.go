//go:build linux

package epoll

import "github.com/evloop/evloop/api"

// NewFallback returns a selector that waits with epoll_pwait, as on a
// kernel before 5.11, for the external tests.
func NewFallback() (api.Selector, error) {
	s, err := New()
	if s != nil {
		s.(*selector).pwait2 = false
	}
	return s, err
}

// Fd returns the epoll descriptor, for tests that break it.
func Fd(s api.Selector) int { return s.(*selector).epfd }
