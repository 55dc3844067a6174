package conformance

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

func failingHelper(t tb) {
	t.Helper()
	t.Errorf("helper failed")
}

func nestedHelper(t tb) {
	t.Helper()
	failingHelper(t)
}

// TestFailuresNameTheCase: a failure reported inside a helper names the
// line of the case that called it, not the helper's, as testing.T does.
func TestFailuresNameTheCase(t *testing.T) {
	var line int
	r := run(time.Second, func(r *recorder) {
		_, _, line, _ = runtime.Caller(0)
		nestedHelper(r) // line+1
		r.Errorf("direct")
	})
	got := r.outcome("case").errors
	want := []string{
		fmt.Sprintf("check_test.go:%d: helper failed", line+1),
		fmt.Sprintf("check_test.go:%d: direct", line+2),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages %q; want %q", got, want)
	}
}
