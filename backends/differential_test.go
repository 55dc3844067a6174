//go:build unix

package backends_test

import (
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends"
	"github.com/evloop/evloop/conformance"
)

// FuzzSelectors drives every backend of this platform with the same
// operations and compares what they report.
func FuzzSelectors(f *testing.F) {
	news := map[string]conformance.NewSelector{}
	for _, name := range backends.Names() {
		news[name] = func() (api.Selector, error) { return backends.New(name) }
	}
	conformance.FuzzSelectors(f, news)
}
