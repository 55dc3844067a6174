//go:build unix

package conformance

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestCaseFunctionNames: the function that runs the case called X is
// selectorX, queueX or loopX, so that a failure's file and line lead to
// the case by its name.
func TestCaseFunctionNames(t *testing.T) {
	check := func(prefix, name string, fn any) {
		full := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
		if got := full[strings.LastIndex(full, ".")+1:]; got != prefix+name {
			t.Errorf("case %s runs %s; want a function named %s%s", name, got, prefix, name)
		}
	}
	for _, c := range selectorCases {
		check("selector", c.name, c.fn)
	}
	for _, c := range timerCases {
		check("queue", c.name, c.fn)
	}
	for _, c := range loopCases {
		check("loop", c.name, c.fn)
	}
}
