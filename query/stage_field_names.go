package query

import (
	"cmp"
	"context"
	"strings"

	"github.com/logdb/logdb/engine"
)

// fieldNamesStage implements "field_names": on the first call to next it
// reads all its input and returns one record per field, its name and the
// number of rows with a value for it, commonest first, then by name. The
// fields of entries are time, job, attempt, line and msg (on every line),
// level (on lines with one) and the labels; those of records are their
// columns.
type fieldNamesStage struct {
	in     stage
	inCols []string
	counts map[string]int64
	order  []string
	pos    int
	cur    Row
	loaded bool
	e      error
	damage error
}

var fieldNamesColumns = []string{colName, colCount}

func newFieldNamesStage(in stage, inCols []string) *fieldNamesStage {
	return &fieldNamesStage{in: in, inCols: inCols, counts: map[string]int64{}, pos: -1}
}

func (s *fieldNamesStage) load(ctx context.Context) error {
	var lines int64
	for n := 1; s.in.next(ctx); n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r := s.in.row()
		switch r.Kind {
		case EntryRow:
			lines++
			if r.Entry.Level != engine.NoLevel {
				s.counts[colLevel]++
			}
			for _, l := range r.Entry.Labels {
				if _, ok := s.counts[l.Name]; !ok {
					// The name outlives the row.
					s.counts[strings.Clone(l.Name)] = 0
				}
				s.counts[l.Name]++
			}
		case RecordRow:
			for i, c := range s.inCols {
				if v := r.Values[i]; v != nil && v != "" {
					s.counts[c]++
				}
			}
		}
	}
	stop, damage := gathered(s.in.err())
	if stop != nil {
		return stop
	}
	s.damage = damage
	if lines > 0 {
		for _, c := range []string{colTime, colJob, colAttempt, colLine, colMsg} {
			s.counts[c] = lines
		}
	}
	for name := range s.counts {
		s.order = append(s.order, name)
	}
	return sortFunc(ctx, s.order, false, func(a, b string) int {
		if c := cmp.Compare(s.counts[b], s.counts[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
}

func (s *fieldNamesStage) next(ctx context.Context) bool {
	if s.e != nil {
		return false
	}
	if !s.loaded {
		s.loaded = true
		if err := s.load(ctx); err != nil {
			s.e = err
			return false
		}
	}
	if s.pos+1 >= len(s.order) {
		s.e = s.damage
		return false
	}
	s.pos++
	name := s.order[s.pos]
	s.cur = Row{Kind: RecordRow, Columns: fieldNamesColumns, Values: []any{name, s.counts[name]}}
	return true
}

func (s *fieldNamesStage) row() *Row    { return &s.cur }
func (s *fieldNamesStage) err() error   { return s.e }
func (s *fieldNamesStage) close() error { s.counts, s.order = nil, nil; return s.in.close() }
