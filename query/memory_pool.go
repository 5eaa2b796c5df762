package query

import (
	"fmt"
	"sync/atomic"
)

// A MemoryPool is memory that the queries of a process share, such as the
// queries a server runs at once, so that together they stay under one bound
// as each stays under its own Limits.MaxMemory. A query takes from the pool
// what its pipes account, in steps of a MiB, as they grow, and gives it all
// back when its Rows ends or is closed. A query that finds the pool empty
// fails with a *MemoryError whose Shared is set; queries do not wait for
// memory.
//
// A MemoryPool is safe for concurrent use.
type MemoryPool struct {
	limit int64
	used  atomic.Int64
}

// NewMemoryPool returns a pool of limit bytes.
func NewMemoryPool(limit int64) *MemoryPool {
	if limit <= 0 {
		panic(fmt.Sprintf("query: BUG: a MemoryPool of %d bytes", limit))
	}
	return &MemoryPool{limit: limit}
}

// Limit returns the size of the pool in bytes.
func (p *MemoryPool) Limit() int64 { return p.limit }

// InUse returns the bytes the running queries hold.
func (p *MemoryPool) InUse() int64 { return p.used.Load() }

// take takes n bytes and reports whether there were that many left.
func (p *MemoryPool) take(n int64) bool {
	for {
		used := p.used.Load()
		if used+n > p.limit {
			return false
		}
		if p.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

// give gives back n bytes that take took.
func (p *MemoryPool) give(n int64) {
	if p.used.Add(-n) < 0 {
		panic("query: BUG: more memory given back to the pool than taken")
	}
}
