package conformance

import (
	"cmp"
	"testing"
	"time"
)

// A testCase is one named case of a suite. The function that runs the
// case called X is named after it: selectorX, queueX or loopX (a test of
// the suite holds it to that). S is what a case is given: a fresh
// selector or queue, or for the loop suite the factory itself, since its
// cases make loops with options of their own.
type testCase[S any] struct {
	name  string
	limit time.Duration // the watchdog's; 0 means caseLimit
	fn    func(t *recorder, s S)
}

// runCases runs every case as a subtest of t, each on what open makes.
func runCases[S any](t *testing.T, cases []testCase[S], open func(*recorder) S) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Helper()
			runCase(c, open).report(t)
		})
	}
}

// runCase runs one case under its watchdog.
func runCase[S any](c testCase[S], open func(*recorder) S) *recorder {
	return run(cmp.Or(c.limit, caseLimit), func(r *recorder) { c.fn(r, open(r)) })
}

// failures runs every case and returns those that failed; the suite's
// own tests use it on deliberately broken implementations.
func failures[S any](cases []testCase[S], open func(*recorder) S) []outcome {
	var failed []outcome
	for _, c := range cases {
		if r := runCase(c, open); r.failed() {
			failed = append(failed, r.outcome(c.name))
		}
	}
	return failed
}

// caseNamed returns the case called name.
func caseNamed[S any](cases []testCase[S], name string) testCase[S] {
	for _, c := range cases {
		if c.name == name {
			return c
		}
	}
	panic("conformance: no case " + name)
}
