package query

import "strconv"

// poolStep is how much a query takes from its MemoryPool at a time, so
// that the pool's counter is touched once per MiB rather than per group.
const poolStep = 1 << 20

// memBudget accounts the memory one run of a query holds in its pipes
// against the query's limit (Limits.MaxMemory) and the pool it shares with
// other queries (Limits.Pool). A stage adds what it is about to keep with
// grow, which refuses past a limit, and takes off what it drops with
// shrink; the Rows gives everything back when it ends (release).
//
// The bytes are each stage's estimate of the live heap it keeps, per group,
// row or hit, calibrated against runtime.MemStats (memory_test.go checks
// them). The engine's buffers for the blocks being scanned, a few MiB at
// most, are not counted.
//
// A memBudget is used by the goroutine of its Rows only.
type memBudget struct {
	limit  int64 // <= 0: none
	pool   *MemoryPool
	used   int64
	taken  int64 // from pool; used <= taken
	shared bool  // the last grow refused was refused by the pool
}

// newMemBudget returns the budget of one run under l.
func newMemBudget(l Limits) *memBudget {
	b := &memBudget{limit: l.MaxMemory, pool: l.Pool}
	if b.limit == 0 {
		b.limit = DefaultMaxMemory()
	}
	return b
}

// grow accounts n more bytes and reports whether they fit. When they do
// not, nothing is accounted and err describes the limit reached.
func (b *memBudget) grow(n int64) bool {
	used := b.used + n
	if b.limit > 0 && used > b.limit {
		b.shared = false
		return false
	}
	if b.pool != nil && used > b.taken {
		need := used - b.taken
		step := max(need, poolStep)
		switch {
		case b.pool.take(step):
			b.taken += step
		case b.pool.take(need):
			b.taken += need
		default:
			b.shared = true
			return false
		}
	}
	b.used = used
	return true
}

// shrink takes n bytes off, which grow accounted, giving back to the pool
// what is more than a step beyond the bytes still held.
func (b *memBudget) shrink(n int64) {
	b.used -= n
	if b.used < 0 {
		panic("query: BUG: a stage released more memory than it accounted")
	}
	if b.pool != nil && b.taken-b.used > 2*poolStep {
		extra := b.taken - b.used - poolStep
		b.pool.give(extra)
		b.taken -= extra
	}
}

// release gives back everything: the run has ended.
func (b *memBudget) release() {
	if b.pool != nil && b.taken > 0 {
		b.pool.give(b.taken)
	}
	b.used, b.taken = 0, 0
}

// err returns the error for the grow just refused: pipe needed more while
// holding held ("1.2M groups").
func (b *memBudget) err(pipe Pipe, held string) error {
	e := &MemoryError{Limit: b.limit, Shared: b.shared, Pipe: pipe.String(), Held: held}
	if b.shared {
		e.Limit = b.pool.Limit()
	}
	return e
}

// held describes n things a stage holds, for a MemoryError: "812 groups",
// "45k lines", "1.2M groups".
func held(n int, what string) string {
	switch {
	case n < 10_000:
		return strconv.Itoa(n) + " " + what
	case n < 1_000_000:
		return strconv.Itoa(n/1000) + "k " + what
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M " + what
}
