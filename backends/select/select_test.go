//go:build unix

package fdselect_test

import (
	"testing"

	"github.com/evloop/evloop/api"
	fdselect "github.com/evloop/evloop/backends/select"
	"github.com/evloop/evloop/conformance"
)

func TestConformance(t *testing.T) {
	conformance.TestSelector(t, func() (api.Selector, error) { return fdselect.New() })
}
