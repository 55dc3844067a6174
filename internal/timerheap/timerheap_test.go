package timerheap

import "testing"

// TestLayout: every child's parent is the entry it is a child of, and the
// four children of an entry start at a multiple of four, so that 16-byte
// entries of a page-aligned array put siblings in one cache line.
func TestLayout(t *testing.T) {
	for i := Root; i < 10_000; i++ {
		c := Child(i)
		if c%Arity != 0 {
			t.Fatalf("Child(%d) = %d; want a multiple of %d", i, c, Arity)
		}
		for j := c; j < c+Arity; j++ {
			if p := Parent(j); p != i {
				t.Fatalf("Parent(%d) = %d; want %d", j, p, i)
			}
		}
	}
}

func TestShrink(t *testing.T) {
	for _, c := range []struct {
		len, cap, limit, floor int
		want                   int // the capacity returned
	}{
		{len: 10, cap: 1000, limit: 64, floor: 16, want: 20},
		{len: 1, cap: 1000, limit: 64, floor: 16, want: 16},
		{len: 250, cap: 1000, limit: 64, floor: 16, want: 1000}, // a quarter full: kept
		{len: 0, cap: 64, limit: 64, floor: 16, want: 64},       // at the limit: kept
	} {
		keys := make([]int, c.len, c.cap)
		for i := range keys {
			keys[i] = i
		}
		got := Shrink(keys, c.limit, c.floor)
		if cap(got) != c.want || len(got) != c.len {
			t.Errorf("Shrink(len %d cap %d, %d, %d): len %d cap %d; want len %d cap %d", c.len, c.cap, c.limit, c.floor, len(got), cap(got), c.len, c.want)
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("Shrink lost the order: [%d] = %d", i, v)
			}
		}
	}
}
