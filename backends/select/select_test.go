//go:build unix

package fdselect_test

import (
	"testing"

	fdselect "github.com/evloop/evloop/backends/select"
	"github.com/evloop/evloop/conformance"
)

func TestConformance(t *testing.T) {
	conformance.TestSelector(t, fdselect.New)
}
