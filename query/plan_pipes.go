package query

import (
	"fmt"
	"time"

	"github.com/logdb/logdb/engine"
)

// This file plans the pipes of ast_pipes.go and the parts of a filter
// over lines that the engine cannot evaluate.

// pipeShape returns the shape of the rows pipe p makes of rows of shape s,
// for a pipe of ast_pipes.go; the validator already reported any error.
func pipeShape(s rowShape, p Pipe) rowShape {
	return (&validator{}).questionPipe(s, p)
}

// questionStage chains the stage of a pipe of ast_pipes.go onto st, whose
// rows are records of cols (nil: entries), and returns it and its columns.
// top, uniq, histogram and field_values are stats with a sort or a limit.
func (p *Plan) questionStage(st stage, pipe Pipe, cols []string, mem *memBudget) (stage, []string, error) {
	stats := func(sp *StatsPipe) (stage, []string) {
		s := newStatsStage(st, sp, cols, p.Location, p.span, mem)
		return s, s.columns
	}
	byCount := func(in stage, by []FieldRef, cols []string) stage {
		sp := &SortPipe{Keys: []SortKey{{Field: colCount, Desc: true}}}
		for _, f := range by {
			sp.Keys = append(sp.Keys, SortKey{Field: f.Name})
		}
		return newSortStage(in, sp, cols, mem)
	}
	switch pipe := pipe.(type) {
	case *StatsPipe:
		st, cols := stats(pipe)
		return st, cols, nil
	case *TopPipe:
		st, cols := stats(&StatsPipe{By: byFields(pipe.By), Funcs: []StatsFunc{{Name: "count"}}, Pos: pipe.Pos})
		return newLimitStage(byCount(st, pipe.By, cols), 0, pipe.N), cols, nil
	case *UniqPipe:
		st, cols := stats(&StatsPipe{By: byFields(pipe.By), Pos: pipe.Pos})
		return st, cols, nil
	case *HistogramPipe:
		st, cols := stats(&StatsPipe{By: []ByField{{Name: colUnderscoreTime, Bucket: pipe.Step}}, Funcs: []StatsFunc{{Name: "count"}}, Pos: pipe.Pos})
		return st, cols, nil
	case *FieldValuesPipe:
		by := []FieldRef{pipe.Field}
		st, cols := stats(&StatsPipe{By: byFields(by), Funcs: []StatsFunc{{Name: "count"}}, Pos: pipe.Pos})
		return byCount(st, by, cols), cols, nil
	case *FieldNamesPipe:
		return newFieldNamesStage(st, cols), fieldNamesColumns, nil
	case *FilterPipe:
		keep, err := (&rowFilter{cols: cols, l: &lowerer{now: p.Now, loc: p.Location}}).compile(pipe.X)
		if err != nil {
			return st, nil, err
		}
		return newFilterStage(st, keep), cols, nil
	case *UnpackPipe, *ExtractPipe:
		x, err := newExtractStage(st, pipe, p.Location)
		if err != nil {
			return st, nil, err
		}
		return x, cols, nil
	}
	return st, nil, fmt.Errorf("query: BUG: unknown pipe %T", pipe)
}

func byFields(fs []FieldRef) []ByField {
	out := make([]ByField, len(fs))
	for i, f := range fs {
		out[i] = ByField{Name: f.Name, Pos: f.Pos}
	}
	return out
}

// needsRows reports whether the engine cannot evaluate e over lines: a
// numeric comparison or range of a label (status>=500, took:[100, 500]).
func needsRows(e Expr) bool {
	found := false
	Inspect(e, func(n Node) bool {
		switch n := n.(type) {
		case *CompareExpr:
			found = found || n.Op != engine.Eq && n.Op != engine.Ne && !reservedField(n.Field)
		case *RangeExpr:
			found = found || !reservedField(n.Field)
		}
		return !found
	})
	return found
}

// reservedField reports whether name is a field of every line rather than
// a label.
func reservedField(name string) bool {
	switch name {
	case fieldLevel, fieldJob, fieldAttempt, fieldLine, fieldSince, fieldUntil, fieldDuring, fieldTZ:
		return true
	}
	return false
}

// conjuncts returns the operands of the ANDs at the top of e, looking
// through parentheses.
func conjuncts(e Expr, out []Expr) []Expr {
	switch x := e.(type) {
	case *ParenExpr:
		return conjuncts(x.X, out)
	case *AndExpr:
		return conjuncts(x.RHS, conjuncts(x.LHS, out))
	}
	return append(out, e)
}

// andAll ANDs es, nil for none.
func andAll(es []Expr) Expr {
	var e Expr
	for _, x := range es {
		if e == nil {
			e = x
		} else {
			e = &AndExpr{LHS: e, RHS: x, Pos: e.Position()}
		}
	}
	return e
}

// engineFilter returns the operands of the top-level AND of e that the
// engine can evaluate; postFilter runs the others over its results.
func engineFilter(e Expr) Expr {
	var keep []Expr
	for _, c := range conjuncts(e, nil) {
		if !needsRows(c) {
			keep = append(keep, c)
		}
	}
	if keep == nil {
		return &MatchAllExpr{Pos: e.Position()}
	}
	return andAll(keep)
}

// postFilter puts the operands of the top-level AND of q's filter that the
// engine cannot evaluate into a filter pipe before the others. The engine
// then returns more lines than the query keeps, so no limit is pushed into
// it.
func (p *Plan) postFilter(q *Query, l *lowerer) error {
	if q.Filter == nil {
		return nil
	}
	var post []Expr
	for _, c := range conjuncts(q.Filter, nil) {
		if needsRows(c) {
			post = append(post, c)
		}
	}
	if post == nil {
		return nil
	}
	x := andAll(post)
	if _, err := (&rowFilter{l: l}).compile(x); err != nil {
		return err
	}
	p.QueryOptions.Limit = 0
	p.Pipes = append([]Pipe{&FilterPipe{X: x, Pos: x.Position()}}, p.Pipes...)
	return nil
}

// querySpan returns the length of the time range a filter selects, for
// rate(): from its since to its until, or to now; 0 if it has no since.
func querySpan(f engine.Filter, now time.Time) time.Duration {
	var tf engine.TimeFilter
	switch x := f.(type) {
	case engine.TimeFilter:
		tf = x
	case engine.AndFilter:
		for _, c := range x {
			if t, ok := c.(engine.TimeFilter); ok {
				tf.Since = max(tf.Since, t.Since)
				if t.Until != 0 && (tf.Until == 0 || t.Until < tf.Until) {
					tf.Until = t.Until
				}
			}
		}
	}
	if tf.Since == 0 {
		return 0
	}
	until := tf.Until
	if until == 0 {
		until = now.UnixNano()
	}
	return time.Duration(until - tf.Since)
}

// desugar returns an InExpr as an OR of comparisons ("level in (Error,
// Fatal)" is "(level=Error OR level=Fatal)") and a RangeExpr as an AND of
// two ("line:[10, 20]" is "line>=10 line<=20"), for the places that
// evaluate comparisons only: the engine and the filter over runs.
func desugar(e Expr) Expr {
	cmp := func(field string, op engine.Op, v string, pos, vpos Position) Expr {
		return &CompareExpr{Field: field, Op: op, Value: v, Pos: pos, ValuePos: vpos}
	}
	switch e := e.(type) {
	case *InExpr:
		var out Expr
		for _, v := range e.Values {
			c := cmp(e.Field, engine.Eq, v, e.Pos, e.ValuePos)
			if out == nil {
				out = c
			} else {
				out = &OrExpr{LHS: out, RHS: c, Pos: e.Pos}
			}
		}
		return &ParenExpr{X: out, Pos: e.Pos}
	case *RangeExpr:
		lo, hi := engine.Ge, engine.Le
		if e.LoOpen {
			lo = engine.Gt
		}
		if e.HiOpen {
			hi = engine.Lt
		}
		return &AndExpr{LHS: cmp(e.Field, lo, e.Lo, e.Pos, e.ValuePos), RHS: cmp(e.Field, hi, e.Hi, e.Pos, e.ValuePos), Pos: e.Pos}
	}
	return e
}

// countedStats returns the count pipe that a stats pipe computing count()
// alone, by fields without buckets, amounts to, so that the engine can
// count it from its summaries as it counts "count by level".
func countedStats(sp *StatsPipe) (*CountPipe, bool) {
	if len(sp.Funcs) != 1 || sp.Funcs[0].Name != "count" || sp.Funcs[0].Field != "" {
		return nil, false
	}
	cp := &CountPipe{Pos: sp.Pos}
	for _, b := range sp.By {
		if b.Bucket > 0 {
			return nil, false
		}
		cp.By = append(cp.By, FieldRef{Name: b.Name, Pos: b.Pos})
	}
	return cp, true
}

// statsOrder turns the counted groups of cs into the rows of stats pipe sp:
// the count column named as sp names it, the groups in the order of their
// values rather than by count.
func statsOrder(cs *countStage, sp *StatsPipe, mem *memBudget) stage {
	cs.columns[len(cs.columns)-1] = sp.Funcs[0].Column()
	order := &SortPipe{Pos: sp.Pos}
	for _, b := range sp.By {
		order.Keys = append(order.Keys, SortKey{Field: b.Name, Pos: b.Pos})
	}
	if len(order.Keys) == 0 {
		return cs
	}
	return newSortStage(cs, order, cs.columns, mem)
}
