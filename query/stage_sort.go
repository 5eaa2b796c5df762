package query

import (
	"context"
	"time"
	"unsafe"

	"github.com/logdb/logdb/engine"
)

// sortStage implements "sort by": on the first call to next it reads all
// its input, copying each row, then returns the rows in order.
//
// Entries are ordered by the keys, then by the engine's order (time, job,
// attempt, line) in the direction of the first key, so "sort by time desc"
// is exactly the engine's descending order and "sort by level desc" puts
// the newest of the most severe lines first. Records are ordered by the
// keys, ties keeping their input order.
//
// It accounts each row it keeps against the query's memory budget
// (rowBytes) and fails with a *MemoryError once they do not fit.
type sortStage struct {
	in     stage
	pipe   *SortPipe
	cols   []string // nil: entries
	mem    *memBudget
	held   int64 // bytes accounted for rows
	rows   []Row
	pos    int
	loaded bool
	e      error
	damage error // lines the input left out, reported after the rows
}

func newSortStage(in stage, pipe *SortPipe, cols []string, mem *memBudget) *sortStage {
	return &sortStage{in: in, pipe: pipe, cols: cols, mem: mem, pos: -1}
}

// sizeofRow and sizeofEntry are the sizes of a Row and an engine.Entry.
const (
	sizeofRow   = int64(unsafe.Sizeof(Row{}))
	sizeofEntry = int64(unsafe.Sizeof(engine.Entry{}))
)

// rowBytes estimates the heap that a copy of r (cloneRow) takes in the
// sort stage's slice of rows: two Rows, as the slice grows by doubling and
// holds the old array while it copies to the new, then what r points to.
// TestSortStage_MemoryEstimate measures it with runtime.MemStats.
func rowBytes(r *Row) int64 {
	n := 2 * sizeofRow
	if e := r.Entry; e != nil {
		n += sizeofEntry + int64(len(e.Job)+len(e.Message))
		for _, l := range e.Labels {
			n += 32 + int64(len(l.Name)+len(l.Value))
		}
	}
	for _, v := range r.Values {
		n += 16
		switch v := v.(type) {
		case string:
			n += 16 + int64(len(v))
		case int64, float64:
			n += 8
		case time.Time:
			n += 24
		}
	}
	return n
}

func (s *sortStage) load(ctx context.Context) error {
	for n := 1; s.in.next(ctx); n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r := s.in.row()
		size := rowBytes(r)
		if !s.mem.grow(size) {
			what := "lines"
			if s.cols != nil {
				what = "rows"
			}
			return s.mem.err(s.pipe, held(len(s.rows), what))
		}
		s.held += size
		s.rows = append(s.rows, cloneRow(r))
	}
	stop, damage := gathered(s.in.err())
	if stop != nil {
		return stop
	}
	s.damage = damage
	if s.cols == nil {
		return s.sortEntries(ctx)
	}
	return s.sortRecords(ctx)
}

func (s *sortStage) sortEntries(ctx context.Context) error {
	type key struct {
		cmp  func(a, b *engine.Entry) int
		desc bool
	}
	keys := make([]key, len(s.pipe.Keys))
	for i, k := range s.pipe.Keys {
		keys[i] = key{entryCompare(k.Field), k.Desc}
	}
	tieDesc := len(keys) > 0 && keys[0].desc
	return sortFunc(ctx, s.rows, false, func(a, b Row) int {
		for _, k := range keys {
			c := k.cmp(a.Entry, b.Entry)
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		c := defaultOrder(a.Entry, b.Entry)
		if tieDesc {
			c = -c
		}
		return c
	})
}

func (s *sortStage) sortRecords(ctx context.Context) error {
	idx := make([]int, len(s.pipe.Keys))
	for i, k := range s.pipe.Keys {
		idx[i] = columnIndex(s.cols, k.Field)
	}
	return sortFunc(ctx, s.rows, true, func(a, b Row) int {
		for i, k := range s.pipe.Keys {
			if idx[i] < 0 {
				continue
			}
			c := compareValues(a.Values[idx[i]], b.Values[idx[i]])
			if k.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

func (s *sortStage) next(ctx context.Context) bool {
	if s.e != nil {
		return false
	}
	if !s.loaded {
		s.loaded = true
		if err := s.load(ctx); err != nil {
			s.e = err // close drops the rows
			return false
		}
	}
	if s.pos+1 >= len(s.rows) {
		s.drop()
		s.e = s.damage
		return false
	}
	s.pos++
	return true
}

func (s *sortStage) row() *Row { return &s.rows[s.pos] }

func (s *sortStage) err() error { return s.e }

// drop lets go of the rows and gives back their memory.
func (s *sortStage) drop() {
	s.rows = nil
	s.pos = 0
	s.mem.shrink(s.held)
	s.held = 0
}

func (s *sortStage) close() error {
	s.drop()
	return s.in.close()
}
