package query

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// liveHeap returns the bytes of live heap objects, after collecting the
// garbage.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// distinctEntries returns n entries of run job/0 whose messages are all
// different and size bytes long.
func distinctEntries(job string, n, size int) []engine.Entry {
	es := make([]engine.Entry, n)
	for i := range es {
		m := fmt.Sprintf("%s request %d ", job, i)
		es[i] = engine.Entry{Job: job, Time: int64(i + 1), Level: engine.Info, Message: m + strings.Repeat("x", max(size-len(m), 0))}
	}
	return es
}

// openMessages opens an engine in t.TempDir() and stores lines lines in it,
// in four runs, whose messages are size bytes long and take groups
// different values: line k of the store says "request k%groups" and
// padding. Its blocks are small and it has no block cache, so that the
// engine holds little of its own while a query runs.
func openMessages(t testing.TB, lines, groups, size int) *engine.DB {
	t.Helper()
	db := testutil.MustOpenDB(t, &engine.Options{NoSync: true, NoIndexer: true, BlockBytes: 16 << 10, BlockCacheBytes: -1})
	per := lines / 4
	batch := make([]engine.Entry, 0, 10000)
	for r := range 4 {
		for i := range per {
			m := fmt.Sprintf("request %d ", (r*per+i)%groups)
			batch = append(batch, engine.Entry{Job: fmt.Sprintf("job-%d", r), Time: int64(r*per + i + 1), Level: engine.Info,
				Message: m + strings.Repeat("x", max(size-len(m), 0))})
			if len(batch) == cap(batch) || i == per-1 {
				if _, err := db.Append(context.Background(), batch...); err != nil {
					t.Fatal(err)
				}
				batch = batch[:0]
			}
		}
	}
	return db
}

// openDistinct is openMessages with every message different.
func openDistinct(t testing.TB, lines, size int) *engine.DB {
	t.Helper()
	return openMessages(t, lines, lines, size)
}

// Ensure that the estimate of a "count by" group's memory is within a
// quarter of the heap a group really takes at the stage's peak (when the
// map of groups and the sorted slice both exist), for short and long keys
// and for map sizes across a doubling.
func TestCountStage_MemoryEstimate(t *testing.T) {
	pipe := MustParse("| count by msg").Pipes[0].(*CountPipe)
	for _, n := range []int{20000, 30000, 45000} {
		for _, size := range []int{16, 100, 400} {
			es := distinctEntries("a", n, size)
			base := liveHeap()
			mem := newMemBudget(Limits{MaxMemory: -1})
			s := newCountStage(nil, pipe, nil, time.UTC, mem)
			vals := make([]any, 1)
			for i := range es {
				vals[0] = es[i].Message
				if err := s.add(vals, 1); err != nil {
					t.Fatal(err)
				}
			}
			// At the peak, finish adds a pointer per group to the map.
			real := liveHeap() - base + 8*int64(n)
			runtime.KeepAlive(es)
			if ratio := float64(mem.used) / float64(real); ratio < 0.9 || ratio > 1.25 {
				t.Errorf("%d groups of %d bytes: estimated %d bytes a group, measured %d (ratio %.2f)",
					n, size, mem.used/int64(n), real/int64(n), ratio)
			}
			runtime.KeepAlive(s)
		}
	}
}

// Ensure that the estimate of the memory of a row held by "sort" is within
// a third of the heap it really takes.
func TestSortStage_MemoryEstimate(t *testing.T) {
	pipe := MustParse("| sort by msg").Pipes[0].(*SortPipe)
	for _, n := range []int{20000, 45000} {
		for _, size := range []int{16, 100, 400} {
			es := distinctEntries("a", n, size)
			base := liveHeap()
			mem := newMemBudget(Limits{MaxMemory: -1})
			s := newSortStage(newSourceStage(&sliceIter{entries: es}), pipe, nil, mem)
			// What load does, without the sort.
			for s.in.next(context.Background()) {
				r := s.in.row()
				mem.grow(rowBytes(r))
				s.rows = append(s.rows, cloneRow(r))
			}
			real := liveHeap() - base
			if ratio := float64(mem.used) / float64(real); ratio < 0.9 || ratio > 1.35 {
				t.Errorf("%d lines of %d bytes: estimated %d bytes a line, measured %d (ratio %.2f)",
					n, size, mem.used/int64(n), real/int64(n), ratio)
			}
			runtime.KeepAlive(s)
		}
	}
}

// Ensure that "count by msg" over more distinct messages than fit in
// Limits.MaxMemory fails with a MemoryError that names the pipe, the limit
// and the flag to raise, and that the heap it held when it stopped was
// about the limit, while the same query without the limit holds far more.
func TestRun_CountByMemoryLimit(t *testing.T) {
	const limit = 1 << 20
	db := openDistinct(t, 40000, 100) // some 10 MiB of groups
	ctx := context.Background()
	q := "| count by msg"

	rows, err := Run(ctx, db, MustParse(q), Options{Limits: Limits{MaxMemory: limit}})
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Fatal("count by msg over 40000 messages fitted in 1 MiB")
	}
	var me *MemoryError
	if !errors.As(rows.Err(), &me) || me.Pipe != "count by msg" || me.Limit != limit || me.Shared {
		t.Fatalf("Err = %#v, want a MemoryError of count by msg at 1 MiB", rows.Err())
	}
	const want = `query needs more than 1MiB for "count by msg" (`
	if msg := rows.Err().Error(); !strings.HasPrefix(msg, want) || !strings.Contains(msg, " groups so far)") || !strings.HasSuffix(msg, "raise --query-memory") {
		t.Errorf("error %q, want %q… groups so far)… raise --query-memory", msg, want)
	}
	rows.Close()

	// The heap held when the count stopped, before its stage lets go.
	held := func(l Limits) (int64, error) {
		p := newPlan(t, q)
		p.Limits = l
		base := liveHeap()
		r, ctx := newRows(ctx, p.Limits, p.Columns, p.Location)
		it, err := db.Query(ctx, p.Filter, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, err := p.stages(newSourceStage(it), db, r.mem)
		if err != nil {
			t.Fatal(err)
		}
		st.next(ctx)
		n := liveHeap() - base
		st.close()
		r.end()
		return n, st.err()
	}
	n, err := held(Limits{MaxMemory: limit})
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want a MemoryError", err)
	}
	t.Logf("heap held by count by msg at its stop with a 1 MiB limit: %.2f MiB", float64(n)/(1<<20))
	if n > 3*limit {
		t.Errorf("count by msg held %.1f MiB of heap when it stopped at a limit of 1 MiB", float64(n)/(1<<20))
	}
	n, err = held(Limits{MaxMemory: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("heap held by count by msg without a limit: %.2f MiB", float64(n)/(1<<20))
	if n < 5*limit {
		t.Errorf("count by msg without a limit held only %.1f MiB; the test needs more groups", float64(n)/(1<<20))
	}
}

// Ensure that "sort" and "context" account what they hold too: each fails
// with a MemoryError naming it under a small limit.
func TestRun_SortContextMemoryLimit(t *testing.T) {
	db := openDistinct(t, 20000, 100)
	for _, tc := range []struct{ q, pipe, what string }{
		{"| sort by msg", "sort by msg", " lines so far)"},
		{"| count by msg | sort by msg", "count by msg", " groups so far)"},
		{"job=job-0 | context 2", "context 2", " hits in one group so far)"},
	} {
		rows, err := Run(context.Background(), db, MustParse(tc.q), Options{Limits: Limits{MaxMemory: 128 << 10}})
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
		}
		var me *MemoryError
		if !errors.As(rows.Err(), &me) || me.Pipe != tc.pipe || !strings.Contains(me.Error(), tc.what) {
			t.Errorf("%s: Err = %v, want a MemoryError of %s with %q", tc.q, rows.Err(), tc.pipe, tc.what)
		}
		rows.Close()
	}
}

// Ensure that queries sharing a MemoryPool stay within it together: while
// one holds most of the pool another fails with a Shared MemoryError, and
// once the first is closed the pool is whole again and the second runs.
func TestRun_MemoryPool(t *testing.T) {
	db := openDistinct(t, 20000, 100) // some 6 MiB of sorted lines
	pool := NewMemoryPool(8 << 20)
	opts := Options{Limits: Limits{MaxMemory: 7 << 20, Pool: pool}}
	ctx := context.Background()
	first, err := Run(ctx, db, MustParse("| sort by msg"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Next() {
		t.Fatal(first.Err())
	}
	if pool.InUse() < 4<<20 {
		t.Fatalf("the pool lends %d bytes to a sort of 20000 lines", pool.InUse())
	}
	second, err := Run(ctx, db, MustParse("| sort by msg"), opts)
	if err != nil {
		t.Fatal(err)
	}
	var me *MemoryError
	if second.Next() || !errors.As(second.Err(), &me) || !me.Shared || me.Limit != 8<<20 {
		t.Fatalf("second query with the pool taken: Err = %v, want a shared MemoryError", second.Err())
	}
	if msg := me.Error(); !strings.HasPrefix(msg, "the queries running at once need more than 8MiB") || !strings.HasSuffix(msg, "raise --query-memory-total") {
		t.Errorf("error %q", msg)
	}
	second.Close()
	inUse := pool.InUse()
	first.Close()
	if pool.InUse() != 0 {
		t.Fatalf("%d bytes of the pool still taken after both queries closed (%d with one open)", pool.InUse(), inUse)
	}
	third, err := Run(ctx, db, MustParse("| sort by msg"), opts)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for third.Next() {
		n++
	}
	if err := third.Close(); err != nil || n != 20000 {
		t.Fatalf("third query: %d rows, %v", n, err)
	}
	if pool.InUse() != 0 {
		t.Fatalf("%d bytes of the pool still taken after a query read to its end", pool.InUse())
	}
}

// Ensure that DefaultMaxMemory is 256 MiB at most and some MiB at least on
// any machine the tests run on, and DefaultPoolMemory between it and 512 MiB.
func TestDefaultMaxMemory(t *testing.T) {
	if m := DefaultMaxMemory(); m > 256<<20 || m < 8<<20 {
		t.Errorf("DefaultMaxMemory() = %d", m)
	}
	if p := DefaultPoolMemory(); p > 512<<20 || p < DefaultMaxMemory() {
		t.Errorf("DefaultPoolMemory() = %d", p)
	}
}
