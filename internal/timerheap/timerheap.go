// Package timerheap holds what the timer queues share about laying out an
// array: the index arithmetic of a 4-ary heap rooted at index 3, as
// libev's 4-heap is, and the rule by which an array left large by a burst
// is given back.
//
// The root is at index Root = 3, not 0, so that the four children of an
// entry, at 4(i-3)+4 to 4(i-3)+7, fill one 64-byte cache line when
// entries are 16 bytes (the array's large allocations are page-aligned)
// instead of straddling two.
package timerheap

// Arity is the number of children of an entry; Root is the root's
// index, so that four siblings of 16-byte entries fill a cache line.
const (
	Arity = 4
	Root  = Arity - 1
)

// Parent returns the index of the parent of the entry at i > Root.
func Parent(i int) int { return (i-Root-1)/Arity + Root }

// Child returns the index of the first child of the entry at i.
func Child(i int) int { return Arity*(i-Root) + Root + 1 }

// Shrink returns keys itself while it fills a quarter of its capacity or
// its capacity is at most limit, and otherwise a copy with twice its
// length for capacity (at least floor): an array that fills and empties
// every round keeps its memory, one that a burst left behind gives it
// back.
func Shrink[E any](keys []E, limit, floor int) []E {
	n := len(keys)
	if c := cap(keys); c <= limit || n >= c/4 {
		return keys
	}
	return append(make([]E, 0, max(2*n, floor)), keys...)
}
