package query

import (
	"context"
	"slices"

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
type sortStage struct {
	in     stage
	keys   []SortKey
	cols   []string // nil: entries
	rows   []Row
	pos    int
	loaded bool
	e      error
}

func newSortStage(in stage, keys []SortKey, cols []string) *sortStage {
	return &sortStage{in: in, keys: keys, cols: cols, pos: -1}
}

func (s *sortStage) load(ctx context.Context) error {
	for n := 1; s.in.next(ctx); n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		s.rows = append(s.rows, cloneRow(s.in.row()))
	}
	if err := s.in.err(); err != nil {
		return err
	}
	if s.cols == nil {
		s.sortEntries()
	} else {
		s.sortRecords()
	}
	return nil
}

func (s *sortStage) sortEntries() {
	type key struct {
		cmp  func(a, b *engine.Entry) int
		desc bool
	}
	keys := make([]key, len(s.keys))
	for i, k := range s.keys {
		keys[i] = key{entryCompare(k.Field), k.Desc}
	}
	tieDesc := len(keys) > 0 && keys[0].desc
	slices.SortFunc(s.rows, func(a, b Row) int {
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

func (s *sortStage) sortRecords() {
	idx := make([]int, len(s.keys))
	for i, k := range s.keys {
		idx[i] = columnIndex(s.cols, k.Field)
	}
	slices.SortStableFunc(s.rows, func(a, b Row) int {
		for i, k := range s.keys {
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
			s.e = err
			s.rows = nil
			return false
		}
	}
	if s.pos+1 >= len(s.rows) {
		s.rows = nil
		s.pos = 0
		return false
	}
	s.pos++
	return true
}

func (s *sortStage) row() *Row { return &s.rows[s.pos] }

func (s *sortStage) err() error { return s.e }

func (s *sortStage) close() error {
	s.rows = nil
	return s.in.close()
}
