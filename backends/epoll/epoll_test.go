//go:build linux

package epoll_test

import (
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends/epoll"
	"github.com/evloop/evloop/conformance"
)

func TestConformance(t *testing.T) {
	conformance.TestSelector(t, func() (api.Selector, error) { return epoll.New() })
}

// TestConformanceEpollPwait runs the suite on the fallback a kernel before
// 5.11 takes: millisecond waits, rounded up.
func TestConformanceEpollPwait(t *testing.T) {
	conformance.TestSelector(t, func() (api.Selector, error) { return epoll.NewFallback() })
}
