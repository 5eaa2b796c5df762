package query

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/logdb/logdb/engine"
)

// statsStage implements "stats": on the first call to next it reads all
// its input and computes the functions per distinct combination of the By
// values, then returns one record per group: the By values, then one
// column per function. Groups come in the order of their By values
// ascending (times chronologically, levels by severity, numbers
// numerically, text bytewise). With a time bucket among the By fields,
// the buckets between the first and the last are filled with empty groups
// (count 0), for each combination of the other By values seen, so that a
// chart drawn from the rows has no gaps. Without By fields it always
// returns one record.
//
// The numeric functions (sum, avg, min, max, median, quantile) read the
// values that numberOf reads and skip the others; they are nil for a group
// without any. sum, min and max are int64 when every number of the column
// is whole (so that one column has one type), the others float64. median and quantile are exact: they keep every value, 8
// bytes each, which the stage accounts against the query's budget as it
// does each group, failing with a *MemoryError once they do not fit.
type statsStage struct {
	in      stage // nil: counted by the engine
	pipe    *StatsPipe
	inCols  []string // nil: entries
	columns []string
	loc     *time.Location
	span    time.Duration // of the query's time range for rate(); 0: of the rows
	mem     *memBudget
	held    int64

	groups map[string]*statsGroup
	key    []byte
	first  int64 // the earliest and latest entry time seen, for rate()
	last   int64

	order  []*statsGroup
	frac   []bool // per function: a group saw a number that was not whole
	pos    int
	cur    Row
	loaded bool
	e      error
	damage error

	// counted gives the groups of a stage without input (see
	// runTimeCounted), with the damage its counting met.
	counted       []engine.TimeCount
	countedDamage error
}

// statsGroup is one group of a stats stage.
type statsGroup struct {
	by   []any
	n    int64
	aggs []statsAgg
}

// statsAgg is the running state of one function in one group.
type statsAgg struct {
	n      int64 // values counted (count(f)) or numbers seen
	frac   bool  // a number seen was not a whole one
	sum    float64
	min    float64
	max    float64
	values []float64           // median, quantile
	uniq   map[string]struct{} // count_uniq
}

func newStatsStage(in stage, pipe *StatsPipe, inCols []string, loc *time.Location, span time.Duration, mem *memBudget) *statsStage {
	s := &statsStage{in: in, pipe: pipe, inCols: inCols, loc: loc, span: span, mem: mem, pos: -1, groups: map[string]*statsGroup{}}
	for _, b := range pipe.By {
		s.columns = append(s.columns, b.Name)
	}
	for _, f := range pipe.Funcs {
		s.columns = append(s.columns, f.Column())
	}
	return s
}

// byValue returns the value of By field b of row r.
func (s *statsStage) byValue(r *Row, b ByField, idx int) any {
	var v any
	switch {
	case r.Kind == EntryRow && (b.Name == colUnderscoreTime || b.Name == colTime):
		v = time.Unix(0, r.Entry.Time).In(s.loc)
	case r.Kind == EntryRow:
		v = entryValue(r.Entry, b.Name, s.loc)
	default:
		v = r.value(idx)
	}
	if t, ok := v.(time.Time); ok && b.Bucket > 0 {
		v = bucketStart(t, b.Bucket, s.loc)
	}
	return v
}

// rowValue returns field name of r; idx is its column for records.
func (s *statsStage) rowValue(r *Row, name string, idx int) any {
	if r.Kind == EntryRow {
		return entryValue(r.Entry, name, s.loc)
	}
	return r.value(idx)
}

func (s *statsStage) load(ctx context.Context) error {
	if s.in == nil {
		return s.loadCounted(ctx)
	}
	byIdx := make([]int, len(s.pipe.By))
	for i, b := range s.pipe.By {
		name := b.Name
		if name == colUnderscoreTime {
			name = colTime
		}
		byIdx[i] = columnIndex(s.inCols, name)
	}
	fIdx := make([]int, len(s.pipe.Funcs))
	for i, f := range s.pipe.Funcs {
		fIdx[i] = columnIndex(s.inCols, f.Field)
	}
	vals := make([]any, len(s.pipe.By))
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
		if r.Kind == EntryRow {
			if s.first == 0 || r.Entry.Time < s.first {
				s.first = r.Entry.Time
			}
			s.last = max(s.last, r.Entry.Time)
		}
		for i, b := range s.pipe.By {
			vals[i] = s.byValue(r, b, byIdx[i])
		}
		g, err := s.group(vals)
		if err != nil {
			return err
		}
		g.n++
		for i, f := range s.pipe.Funcs {
			if f.Field == "" {
				continue
			}
			if err := s.add(&g.aggs[i], f, s.rowValue(r, f.Field, fIdx[i])); err != nil {
				return err
			}
		}
	}
	stop, damage := gathered(s.in.err())
	if stop != nil {
		return stop
	}
	s.damage = damage
	if err := s.fill(); err != nil {
		return err
	}
	return s.finish(ctx)
}

// group returns the group of vals, making it if it is new. vals may be
// reused after it returns.
func (s *statsStage) group(vals []any) (*statsGroup, error) {
	s.key = s.key[:0]
	for _, v := range vals {
		s.key = appendKey(s.key, v)
	}
	if g := s.groups[string(s.key)]; g != nil {
		return g, nil
	}
	size := groupBytes(s.key, vals) + int64(len(s.pipe.Funcs))*64
	if !s.mem.grow(size) {
		return nil, s.mem.err(s.pipe, held(len(s.groups), "groups"))
	}
	s.held += size
	g := &statsGroup{by: slices.Clone(vals), aggs: make([]statsAgg, len(s.pipe.Funcs))}
	s.groups[string(s.key)] = g
	return g, nil
}

// add feeds value v to the state a of function f.
func (s *statsStage) add(a *statsAgg, f StatsFunc, v any) error {
	switch f.Name {
	case "count":
		if v != nil && v != "" {
			a.n++
		}
		return nil
	case "count_uniq":
		if v == nil || v == "" {
			return nil
		}
		k := string(appendKey(nil, v))
		if _, ok := a.uniq[k]; ok {
			return nil
		}
		if !s.mem.grow(int64(len(k)) + 48) {
			return s.mem.err(s.pipe, held(len(s.groups), "groups"))
		}
		s.held += int64(len(k)) + 48
		if a.uniq == nil {
			a.uniq = map[string]struct{}{}
		}
		a.uniq[k] = struct{}{}
		return nil
	}
	x, ok := numberOf(v)
	if !ok {
		return nil
	}
	if a.n == 0 || x < a.min {
		a.min = x
	}
	if a.n == 0 || x > a.max {
		a.max = x
	}
	a.n++
	a.sum += x
	a.frac = a.frac || x != math.Trunc(x) || math.Abs(x) >= 1<<53
	if f.Name == "median" || f.Name == "quantile" {
		if !s.mem.grow(8) {
			return s.mem.err(s.pipe, held(len(s.groups), "groups"))
		}
		s.held += 8
		a.values = append(a.values, x)
	}
	return nil
}

// fill adds the empty groups of the time buckets that no row fell in,
// between the first bucket and the last, for each combination of the
// other By values seen. A plain "stats count()" over nothing gets its one
// group.
func (s *statsStage) fill() error {
	if len(s.pipe.By) == 0 && len(s.groups) == 0 {
		_, err := s.group(nil)
		return err
	}
	bi := slices.IndexFunc(s.pipe.By, func(b ByField) bool { return b.Bucket > 0 })
	if bi < 0 || len(s.groups) == 0 {
		return nil
	}
	var lo, hi time.Time
	others := map[string][]any{}
	for _, g := range s.groups {
		t, ok := g.by[bi].(time.Time)
		if !ok {
			continue
		}
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
		vals := slices.Clone(g.by)
		vals[bi] = nil
		others[string(appendKeys(nil, vals))] = vals
	}
	step := s.pipe.By[bi].Bucket
	for _, vals := range others {
		for t := lo; !t.After(hi); t = nextBucket(t, step, s.loc) {
			vals[bi] = t
			if _, err := s.group(vals); err != nil {
				return err
			}
		}
	}
	return nil
}

func appendKeys(b []byte, vals []any) []byte {
	for _, v := range vals {
		b = appendKey(b, v)
	}
	return b
}

// finish puts the groups in output order and drops the map.
func (s *statsStage) finish(ctx context.Context) error {
	s.order = make([]*statsGroup, 0, len(s.groups))
	for _, g := range s.groups {
		s.order = append(s.order, g)
	}
	s.groups, s.key = nil, nil
	s.frac = make([]bool, len(s.pipe.Funcs))
	for _, g := range s.order {
		for i := range g.aggs {
			s.frac[i] = s.frac[i] || g.aggs[i].frac
		}
	}
	return sortFunc(ctx, s.order, false, func(a, b *statsGroup) int {
		for i := range a.by {
			if c := compareValues(a.by[i], b.by[i]); c != 0 {
				return c
			}
		}
		return 0
	})
}

// result returns the value of function f of group g.
func (s *statsStage) result(g *statsGroup, i int) any {
	f, a := s.pipe.Funcs[i], &g.aggs[i]
	switch f.Name {
	case "count":
		if f.Field == "" {
			return g.n
		}
		return a.n
	case "count_uniq":
		return int64(len(a.uniq))
	case "rate":
		span := s.span
		if b := slices.IndexFunc(s.pipe.By, func(b ByField) bool { return b.Bucket > 0 }); b >= 0 {
			span = s.pipe.By[b].Bucket
		} else if span <= 0 {
			span = time.Duration(s.last - s.first)
		}
		if span <= 0 {
			return nil
		}
		return float64(g.n) / span.Seconds()
	}
	if a.n == 0 {
		return nil
	}
	whole := func(x float64) any {
		if !s.frac[i] && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	}
	switch f.Name {
	case "sum":
		return whole(a.sum)
	case "avg":
		return a.sum / float64(a.n)
	case "min":
		return whole(a.min)
	case "max":
		return whole(a.max)
	case "median":
		return quantile(a.values, 0.5)
	}
	return quantile(a.values, f.Phi)
}

// quantile returns the phi-quantile of vs, interpolating linearly between
// the closest ranks (numpy's default, "type 7"). It sorts vs.
func quantile(vs []float64, phi float64) float64 {
	slices.Sort(vs)
	h := float64(len(vs)-1) * phi
	lo := int(math.Floor(h))
	if lo+1 >= len(vs) {
		return vs[len(vs)-1]
	}
	return vs[lo] + (h-float64(lo))*(vs[lo+1]-vs[lo])
}

// nextBucket returns the start of the bucket after the one starting at t:
// half a step on lands inside it whatever a change of the zone's offset
// did to the bucket's length.
func nextBucket(t time.Time, step time.Duration, loc *time.Location) time.Time {
	return bucketStart(t.Add(step+step/2), step, loc)
}

// bucketStart returns the start of the bucket of width step that t falls
// in, aligned to loc: buckets of whole days start at midnight in loc,
// others count from midnight of 1 January 1970 in loc's offset at t.
func bucketStart(t time.Time, step time.Duration, loc *time.Location) time.Time {
	t = t.In(loc)
	if step%(24*time.Hour) == 0 {
		days := int64(step / (24 * time.Hour))
		y, m, d := t.Date()
		n := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400 // days since 1970-01-01
		n -= ((n % days) + days) % days
		return time.Date(1970, 1, 1+int(n), 0, 0, 0, 0, loc)
	}
	_, off := t.Zone()
	ns := t.UnixNano() + int64(off)*int64(time.Second)
	ns -= ((ns % int64(step)) + int64(step)) % int64(step)
	return time.Unix(0, ns-int64(off)*int64(time.Second)).In(loc)
}

func (s *statsStage) next(ctx context.Context) bool {
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
		s.drop()
		s.e = s.damage
		return false
	}
	s.pos++
	g := s.order[s.pos]
	vals := make([]any, 0, len(s.columns))
	vals = append(vals, g.by...)
	for i := range s.pipe.Funcs {
		vals = append(vals, s.result(g, i))
	}
	s.cur = Row{Kind: RecordRow, Columns: s.columns, Values: vals}
	return true
}

// drop lets go of the groups and gives back their memory.
func (s *statsStage) drop() {
	s.groups, s.key, s.order = nil, nil, nil
	s.pos = -1
	s.mem.shrink(s.held)
	s.held = 0
}

func (s *statsStage) row() *Row  { return &s.cur }
func (s *statsStage) err() error { return s.e }
func (s *statsStage) close() error {
	s.drop()
	if s.in == nil { // counted by the engine
		return nil
	}
	return s.in.close()
}
