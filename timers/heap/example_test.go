package heap_test

import (
	"fmt"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/timers/heap"
)

func Example() {
	q := heap.New()
	timers := []api.Timer{
		{Deadline: 300, Value: "c"},
		{Deadline: 100, Value: "a"},
		{Deadline: 200, Value: "b"},
		{Deadline: 100, Value: "a2"}, // ties fire in push order
	}
	for i := range timers {
		q.Push(&timers[i])
	}
	q.Remove(&timers[2]) // "b" will not fire

	next, _ := q.NextDeadline()
	fmt.Println("next deadline:", next)
	q.Expire(250, func(t *api.Timer) { fmt.Println("fired", t.Value) })
	fmt.Println("left:", q.Len())
	// Output:
	// next deadline: 100
	// fired a
	// fired a2
	// left: 1
}
