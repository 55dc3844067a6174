//go:build unix

package poll_test

import (
	"testing"

	"github.com/evloop/evloop/backends/poll"
	"github.com/evloop/evloop/conformance"
)

func TestConformance(t *testing.T) {
	conformance.TestSelector(t, poll.New)
}
