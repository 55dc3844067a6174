//go:build linux

package epoll

// NewFallback returns a selector that waits with epoll_pwait, as on a
// kernel before 5.11, for the external tests.
func NewFallback() (*Selector, error) {
	s, err := New()
	if s != nil {
		s.pwait2 = false
	}
	return s, err
}

// Fd returns the epoll descriptor, for tests that break it.
func Fd(s *Selector) int { return s.epfd }
