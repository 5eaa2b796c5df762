package query

import (
	"cmp"
	"context"
	"strconv"
	"time"

	"github.com/logdb/logdb/engine"
)

// countStage implements "count" and "count by": on the first call to next
// it reads all its input, then returns one record per distinct combination
// of the By values with its count in the last column, "count". Records come
// by count, highest first, then by the By values ascending (levels by
// severity, times chronologically, numbers numerically, text bytewise).
// A plain "count" always returns one record, {count: 0} for no input.
//
// Its memory grows with the number of groups; it accounts each against the
// query's budget (groupBytes) and fails with a *MemoryError once the groups
// do not fit, rather than take the process to gigabytes.
type countStage struct {
	in      stage
	pipe    *CountPipe
	by      []string
	inCols  []string // nil: entries
	columns []string
	loc     *time.Location
	mem     *memBudget
	held    int64 // bytes accounted for the groups

	// While loading: the groups by key, the key of the row being counted,
	// and the end of each By value's text in it.
	groups map[string]*group
	key    []byte
	ends   []int

	order  []*group // the groups in output order, once loaded
	pos    int
	cur    Row
	loaded bool
	e      error
	damage error // lines the input left out, reported after the rows
}

func newCountStage(in stage, pipe *CountPipe, inCols []string, loc *time.Location, mem *memBudget) *countStage {
	s := &countStage{in: in, pipe: pipe, inCols: inCols, loc: loc, mem: mem, pos: -1}
	for _, f := range pipe.By {
		s.by = append(s.by, f.Name)
	}
	s.columns = append(append([]string(nil), s.by...), colCount)
	s.groups = map[string]*group{}
	s.ends = make([]int, len(s.by))
	return s
}

// group is one distinct combination of By values.
type group struct {
	values []any // the By values, with room for the count after them
	n      int64
}

// groupOverhead is the heap one group takes besides the text of its key
// and what its values box: the map's slot for it (key header and pointer,
// at the map's load factor and growth), the group, its values slice and
// its place in the sorted order, with the allocator's rounding of the
// key. TestCountStage_MemoryEstimate measures it with runtime.MemStats.
const groupOverhead = 120

// groupBytes estimates the heap a new group of key and vals takes.
func groupBytes(key []byte, vals []any) int64 {
	n := int64(groupOverhead + len(key))
	for _, v := range vals {
		n += 16 // the interface in values
		switch v.(type) {
		case string:
			n += 16 // the boxed header; the text is the key's
		case int64, float64:
			n += 8
		case time.Time:
			n += 24
		}
	}
	return n
}

func (s *countStage) load(ctx context.Context) error {
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
		for i, name := range s.by {
			if r.Kind == EntryRow {
				vals[i] = entryValue(r.Entry, name, s.loc)
			} else {
				vals[i] = r.value(idx[i])
			}
		}
		if err := s.add(vals, 1); err != nil {
			return err
		}
	}
	stop, damage := gathered(s.in.err())
	if stop != nil {
		return stop
	}
	s.damage = damage
	return s.finish(ctx)
}

// add adds n to the group of vals, making the group if it is new. vals
// may be reused after it returns.
func (s *countStage) add(vals []any, n int64) error {
	s.key = s.key[:0]
	for i, v := range vals {
		s.key = appendKey(s.key, v)
		s.ends[i] = len(s.key)
	}
	if g := s.groups[string(s.key)]; g != nil {
		g.n += n
		return nil
	}
	size := groupBytes(s.key, vals)
	if !s.mem.grow(size) {
		return s.mem.err(s.pipe, held(len(s.groups), "groups"))
	}
	s.held += size
	key := string(s.key)
	g := &group{values: make([]any, len(vals), len(vals)+1), n: n}
	for i, v := range vals {
		if str, ok := v.(string); ok {
			// The text is the end of the value's part of the key: share it.
			v = key[s.ends[i]-len(str) : s.ends[i]]
		}
		g.values[i] = v
	}
	s.groups[key] = g
	return nil
}

// newCountedStage is a count stage whose groups were counted elsewhere: by
// the engine, run by run and level by level, for a "count" or a "count by"
// of job, attempt and level straight over a filter. damage, if not nil,
// is what the engine left out, reported after the rows.
func newCountedStage(ctx context.Context, pipe *CountPipe, loc *time.Location, mem *memBudget, runs []engine.RunCount, damage error) (*countStage, error) {
	s := newCountStage(nil, pipe, nil, loc, mem)
	s.loaded, s.damage = true, damage
	vals := make([]any, len(s.by))
	for _, r := range runs {
		for l, n := range r.Levels {
			if n == 0 {
				continue
			}
			for i, name := range s.by {
				switch name {
				case colJob:
					vals[i] = r.Job
				case colAttempt:
					vals[i] = int64(r.Attempt)
				case colLevel:
					vals[i] = engine.Level(l)
				}
			}
			if err := s.add(vals, n); err != nil {
				s.close()
				return nil, err
			}
		}
	}
	if err := s.finish(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
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

// finish puts the groups in output order and drops the map.
func (s *countStage) finish(ctx context.Context) error {
	if len(s.by) == 0 && len(s.groups) == 0 {
		s.groups[""] = &group{values: make([]any, 0, 1)}
	}
	s.order = make([]*group, 0, len(s.groups))
	for _, g := range s.groups {
		s.order = append(s.order, g)
	}
	s.groups, s.key = nil, nil
	return sortFunc(ctx, s.order, false, func(a, b *group) int {
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
}

// appendKey appends an unambiguous encoding of v to b: a type letter, the
// length of the text and the text, which for a string is the string
// itself, last.
func appendKey(b []byte, v any) []byte {
	var t byte
	var s string
	switch x := v.(type) {
	case string:
		t, s = 's', x
	case int64:
		t, s = 'i', strconv.FormatInt(x, 10)
	case float64:
		t, s = 'f', strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		t, s = 't', strconv.FormatInt(x.UnixNano(), 10)
	case nil:
		t = 'n'
	default:
		t, s = 'l', toString(x)
	}
	b = append(b, t)
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
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
			s.e = err // close drops the groups
			return false
		}
	}
	if s.pos+1 >= len(s.order) {
		s.drop()
		s.e = s.damage
		return false
	}
	s.pos++
	g := s.order[s.pos]
	s.cur = Row{Kind: RecordRow, Columns: s.columns, Values: append(g.values[:len(s.by)], g.n)}
	return true
}

// drop lets go of the groups and gives back their memory.
func (s *countStage) drop() {
	s.groups, s.key, s.order = nil, nil, nil
	s.pos = -1
	s.mem.shrink(s.held)
	s.held = 0
}

func (s *countStage) row() *Row  { return &s.cur }
func (s *countStage) err() error { return s.e }
func (s *countStage) close() error {
	s.drop()
	if s.in == nil { // counted by the engine
		return nil
	}
	return s.in.close()
}
