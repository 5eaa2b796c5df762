package query

import (
	"sync"
	"time"
)

// Limits bound one run of a query: how long it may take and how much
// memory its pipes may hold. The zero value means the defaults.
type Limits struct {
	// Timeout, if positive, stops the query with a *TimeoutError once it
	// has run that long. The deadline of the context passed to Run stops
	// it too, with the same error. Default: none.
	Timeout time.Duration

	// MaxMemory is the most memory, in bytes, that the query's pipes may
	// hold at once: the groups of "count by" (their text and some 200
	// bytes each), the lines "sort" holds, the hits of one "context"
	// group. A query that needs more stops with a *MemoryError naming the
	// pipe. Default (0): DefaultMaxMemory(); negative: no limit.
	MaxMemory int64

	// Pool, if set, is memory this query shares with others: what its
	// pipes hold is taken from the pool too, and the query stops with a
	// *MemoryError (Shared) when the pool has none left. Default: none.
	Pool *MemoryPool
}

// maxDefaultMemory is the most DefaultMaxMemory returns.
const maxDefaultMemory = 256 << 20

// DefaultMaxMemory returns the default of Limits.MaxMemory: 256 MiB, or an
// eighth of the memory of the machine (or of the container's memory limit)
// when that is less.
var DefaultMaxMemory = sync.OnceValue(func() int64 {
	if m := systemMemory(); m > 0 && m/8 < maxDefaultMemory {
		return m / 8
	}
	return maxDefaultMemory
})

// maxDefaultPool is the most DefaultPoolMemory returns.
const maxDefaultPool = 512 << 20

// DefaultPoolMemory returns a size for the MemoryPool of a server's
// queries: 512 MiB, or a quarter of the memory of the machine (or of the
// container's memory limit) when that is less, and at least
// DefaultMaxMemory(). Two queries at the default limit fit, or many
// smaller ones; with the Go runtime's own, the process then stays under
// about 800 MiB (four "count by msg" over a million groups at once had
// taken a server to 1.7 GB, and with 1 GiB here to 1.3 GB).
var DefaultPoolMemory = sync.OnceValue(func() int64 {
	n := int64(maxDefaultPool)
	if m := systemMemory(); m > 0 && m/4 < n {
		n = m / 4
	}
	return max(n, DefaultMaxMemory())
})
