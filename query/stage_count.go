package query

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
)

// countStage implements "count" and "count by": on the first call to next
// it reads all its input, then returns one record per distinct combination
// of the By values with its count in the last column, "count". Records come
// by count, highest first, then by the By values ascending (levels by
// severity, times chronologically, numbers numerically, text bytewise).
// A plain "count" always returns one record, {count: 0} for no input.
type countStage struct {
	in      stage
	by      []string
	inCols  []string // nil: entries
	columns []string
	loc     *time.Location
	recs    []Row
	pos     int
	loaded  bool
	e       error
}

func newCountStage(in stage, by []FieldRef, inCols []string, loc *time.Location) *countStage {
	s := &countStage{in: in, inCols: inCols, loc: loc, pos: -1}
	for _, f := range by {
		s.by = append(s.by, f.Name)
	}
	s.columns = append(append([]string(nil), s.by...), colCount)
	return s
}

// group is one distinct combination of By values.
type group struct {
	values []any
	n      int64
}

func (s *countStage) load(ctx context.Context) error {
	groups := map[string]*group{}
	var order []*group
	var key strings.Builder
	vals := make([]any, len(s.by))
	idx := make([]int, len(s.by))
	for i, name := range s.by {
		idx[i] = columnIndex(s.inCols, name)
	}
	for n := 1; s.in.next(ctx); n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r := s.in.row()
		if r.Kind != EntryRow && r.Kind != RecordRow {
			continue
		}
		key.Reset()
		for i, name := range s.by {
			if r.Kind == EntryRow {
				vals[i] = entryValue(r.Entry, name, s.loc)
			} else {
				vals[i] = r.value(idx[i])
			}
			appendKey(&key, vals[i])
		}
		g := groups[key.String()]
		if g == nil {
			g = &group{values: make([]any, len(vals))}
			for i, v := range vals {
				if str, ok := v.(string); ok {
					v = strings.Clone(str)
				}
				g.values[i] = v
			}
			groups[key.String()] = g
			order = append(order, g)
		}
		g.n++
	}
	if err := s.in.err(); err != nil {
		return err
	}
	s.finish(order)
	return nil
}

// newCountedStage is a count stage whose groups were counted elsewhere: by
// the engine, run by run and level by level, for a "count" or a "count by"
// of job, attempt and level straight over a filter.
func newCountedStage(by []FieldRef, loc *time.Location, runs []engine.RunCount) *countStage {
	s := newCountStage(nil, by, nil, loc)
	s.loaded = true
	groups := map[string]*group{}
	var order []*group
	var key strings.Builder
	vals := make([]any, len(s.by))
	for _, r := range runs {
		for l, n := range r.Levels {
			if n == 0 {
				continue
			}
			key.Reset()
			for i, name := range s.by {
				switch name {
				case colJob:
					vals[i] = r.Job
				case colAttempt:
					vals[i] = int64(r.Attempt)
				case colLevel:
					vals[i] = engine.Level(l)
				}
				appendKey(&key, vals[i])
			}
			g := groups[key.String()]
			if g == nil {
				g = &group{values: append([]any(nil), vals...)}
				groups[key.String()] = g
				order = append(order, g)
			}
			g.n += n
		}
	}
	s.finish(order)
	return s
}

// countedFields reports whether the engine can count by these fields.
func countedFields(by []FieldRef) bool {
	seen := map[string]bool{}
	for _, f := range by {
		switch {
		case seen[f.Name]:
			return false
		case f.Name == colJob, f.Name == colAttempt, f.Name == colLevel:
			seen[f.Name] = true
		default:
			return false
		}
	}
	return true
}

// finish orders the groups and makes them records.
func (s *countStage) finish(order []*group) {
	if len(s.by) == 0 && len(order) == 0 {
		order = append(order, &group{})
	}
	slices.SortFunc(order, func(a, b *group) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		for i := range a.values {
			if c := compareValues(a.values[i], b.values[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	s.recs = make([]Row, len(order))
	for i, g := range order {
		s.recs[i] = Row{Kind: RecordRow, Columns: s.columns, Values: append(g.values, g.n)}
	}
}

// appendKey appends an unambiguous encoding of v to b: a type letter, the
// length of the text and the text.
func appendKey(b *strings.Builder, v any) {
	var t byte
	var s string
	switch x := v.(type) {
	case string:
		t, s = 's', x
	case int64:
		t, s = 'i', strconv.FormatInt(x, 10)
	case time.Time:
		t, s = 't', strconv.FormatInt(x.UnixNano(), 10)
	default:
		t, s = 'l', toString(x)
	}
	b.WriteByte(t)
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte(':')
	b.WriteString(s)
}

func toString(v any) string {
	if s, ok := v.(interface{ String() string }); ok {
		return s.String()
	}
	return ""
}

func (s *countStage) next(ctx context.Context) bool {
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
	if s.pos+1 >= len(s.recs) {
		s.recs = nil
		s.pos = -1
		return false
	}
	s.pos++
	return true
}

func (s *countStage) row() *Row  { return &s.recs[s.pos] }
func (s *countStage) err() error { return s.e }
func (s *countStage) close() error {
	s.recs = nil
	if s.in == nil { // counted by the engine
		return nil
	}
	return s.in.close()
}
