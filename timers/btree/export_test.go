package btree

// Entries is the number of entries in the tree, stale ones included.
func (q *Queue) Entries() int { return q.tree.Len() }

// Mark is the Q.Pos the queue gives its timers.
func (q *Queue) Mark() int { return q.mark }
