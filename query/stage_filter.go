package query

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/logdb/logdb/engine"
)

// filterStage implements "| filter": it passes on the rows its predicate
// matches. The planner also puts one first for the parts of a filter that
// the engine cannot evaluate: numeric comparisons and ranges of labels
// (status>=500, took:[100, 500]), which read the label's text as a number.
type filterStage struct {
	in   stage
	keep rowPredicate
	n    int
	e    error // the context's, if it ended
}

// rowPredicate reports whether a row matches a filter.
type rowPredicate func(r *Row) bool

func newFilterStage(in stage, keep rowPredicate) *filterStage {
	return &filterStage{in: in, keep: keep}
}

func (s *filterStage) next(ctx context.Context) bool {
	for s.in.next(ctx) {
		if s.n++; s.n%checkEvery == 0 && ctx.Err() != nil {
			s.e = ctx.Err()
			return false
		}
		if r := s.in.row(); r.Kind != EntryRow && r.Kind != RecordRow || s.keep(r) {
			return true
		}
	}
	return false
}

func (s *filterStage) row() *Row { return s.in.row() }
func (s *filterStage) err() error {
	if s.e != nil {
		return s.e
	}
	return s.in.err()
}
func (s *filterStage) close() error { return s.in.close() }

// rowFilter compiles a filter over rows: entries, or records of cols.
type rowFilter struct {
	cols []string // nil: entries
	l    *lowerer
}

func (c *rowFilter) compile(e Expr) (rowPredicate, error) {
	switch e := e.(type) {
	case *ParenExpr:
		return c.compile(e.X)
	case *MatchAllExpr:
		return func(*Row) bool { return true }, nil
	case *NotExpr:
		x, err := c.compile(e.X)
		if err != nil {
			return nil, err
		}
		return func(r *Row) bool { return !x(r) }, nil
	case *AndExpr:
		x, y, err := c.compile2(e.LHS, e.RHS)
		if err != nil {
			return nil, err
		}
		return func(r *Row) bool { return x(r) && y(r) }, nil
	case *OrExpr:
		x, y, err := c.compile2(e.LHS, e.RHS)
		if err != nil {
			return nil, err
		}
		return func(r *Row) bool { return x(r) || y(r) }, nil
	case *WordExpr:
		return messageMatch(engine.NewTextMatcher(e.Word, true).Match), nil
	case *PhraseExpr:
		return messageMatch(engine.NewTextMatcher(e.Text, false).Match), nil
	case *RegexpExpr:
		re, err := regexp.Compile(e.Pattern)
		if err != nil {
			return nil, fmt.Errorf("bad regular expression /%s/: %w", e.Pattern, err)
		}
		return messageMatch(re.MatchString), nil
	case *CompareExpr:
		return c.compare(e)
	case *InExpr:
		get := c.getter(e.Field)
		return func(r *Row) bool {
			v := get(r)
			for _, want := range e.Values {
				if compareValue(engine.Eq, want, v) {
					return true
				}
			}
			return false
		}, nil
	case *RangeExpr:
		get := c.getter(e.Field)
		lo, _ := parseNumber(e.Lo)
		hi, _ := parseNumber(e.Hi)
		return func(r *Row) bool {
			x, ok := numberOf(get(r))
			return ok && (x > lo || !e.LoOpen && x == lo) && (x < hi || !e.HiOpen && x == hi)
		}, nil
	}
	return nil, fmt.Errorf("query: BUG: unknown expression %T", e)
}

func (c *rowFilter) compile2(a, b Expr) (rowPredicate, rowPredicate, error) {
	x, err := c.compile(a)
	if err != nil {
		return nil, nil, err
	}
	y, err := c.compile(b)
	return x, y, err
}

// messageMatch matches the message of entries; records have none.
func messageMatch(match func(string) bool) rowPredicate {
	return func(r *Row) bool { return r.Kind == EntryRow && match(r.Entry.Message) }
}

func (c *rowFilter) compare(e *CompareExpr) (rowPredicate, error) {
	switch e.Field {
	case fieldTZ:
		return func(*Row) bool { return true }, nil
	case fieldSince, fieldUntil, fieldDuring:
		f, err := c.l.compare(e)
		if err != nil {
			return nil, err
		}
		tf := f.(engine.TimeFilter)
		return func(r *Row) bool {
			return r.Kind == EntryRow && (tf.Since == 0 || r.Entry.Time >= tf.Since) && (tf.Until == 0 || r.Entry.Time < tf.Until)
		}, nil
	}
	get := c.getter(e.Field)
	return func(r *Row) bool { return compareValue(e.Op, e.Value, get(r)) }, nil
}

// getter returns a function reading field name of a row.
func (c *rowFilter) getter(name string) func(r *Row) any {
	idx := columnIndex(c.cols, name)
	loc := c.l.loc
	return func(r *Row) any {
		if r.Kind == EntryRow {
			return entryValue(r.Entry, name, loc)
		}
		return r.value(idx)
	}
}

// compareValue reports whether value v compares with want under op. Text
// compares with = and != as a glob ('*' matches any run), and with <, <=,
// >, >= as a number when both sides read as numbers (parseNumber); levels
// by severity; numbers numerically; a missing value (nil) is "".
func compareValue(op engine.Op, want string, v any) bool {
	switch x := v.(type) {
	case nil:
		return compareValue(op, want, "")
	case string:
		if op == engine.Eq || op == engine.Ne {
			return engine.MatchGlob(want, x) == (op == engine.Eq)
		}
		a, ok := parseNumber(x)
		b, ok2 := parseNumber(want)
		return ok && ok2 && compareFloat(op, a, b)
	case engine.Level:
		l, ok := engine.ParseLevel(want)
		if !ok {
			return op == engine.Ne
		}
		return opCompare(op, int64(x), int64(l))
	case time.Time:
		tv, err := parseTimeValue(want)
		if err != nil || tv.kind != timeAbsolute {
			return op == engine.Ne
		}
		return opCompare(op, int64(x.Compare(tv.abs)), 0)
	}
	a, ok := numberOf(v)
	b, ok2 := parseNumber(want)
	if !ok || !ok2 {
		return op == engine.Ne
	}
	return compareFloat(op, a, b)
}

func compareFloat(op engine.Op, a, b float64) bool {
	switch {
	case a < b:
		return opCompare(op, -1, 0)
	case a > b:
		return opCompare(op, 1, 0)
	}
	return opCompare(op, 0, 0)
}
