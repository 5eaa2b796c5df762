package query

import (
	"fmt"
	"strings"
)

// This file validates the expressions and pipes of ast_pipes.go: that the
// fields they name exist in the rows they get, and that result columns do
// not collide.

func (v *validator) rangeExpr(e *RangeExpr) {
	switch e.Field {
	case fieldSince, fieldUntil, fieldDuring, fieldTZ, fieldJob, fieldLevel:
		v.errorf(e.Pos, "%s has no numeric range; ranges apply to numbers and durations", e.Field)
		return
	}
	if _, ok := parseNumber(e.Lo); !ok {
		v.errorf(e.ValuePos, "bad low end %q of the range of %s (want a number or a duration)", e.Lo, e.Field)
	} else if _, ok := parseNumber(e.Hi); !ok {
		v.errorf(e.ValuePos, "bad high end %q of the range of %s (want a number or a duration)", e.Hi, e.Field)
	}
}

func (v *validator) inExpr(e *InExpr) {
	for _, x := range e.Values {
		var err error
		switch e.Field {
		case fieldLevel:
			_, err = parseLevelValue(x)
		case fieldAttempt:
			_, err = parseAttemptValue(x)
		case fieldLine:
			_, err = parseLineValue(x)
		case fieldSince, fieldUntil, fieldDuring, fieldTZ:
			err = fmt.Errorf("%s takes one value, not a list", e.Field)
		}
		if err != nil {
			v.errorf(e.ValuePos, "%v", err)
			return
		}
	}
}

// questionPipe checks one pipe of ast_pipes.go over rows of shape s and
// returns the shape of its output.
func (v *validator) questionPipe(s rowShape, p Pipe) rowShape {
	switch p := p.(type) {
	case *StatsPipe:
		return v.stats(s, p)
	case *TopPipe:
		return v.groupBy(s, p.By, colCount)
	case *UniqPipe:
		return v.groupBy(s, p.By)
	case *HistogramPipe:
		if s.records && !s.has(colTime) {
			v.errorf(p.Pos, "histogram counts by time, which the rows here lack (they have %s)", strings.Join(s.cols, ", "))
		}
		return rowShape{records: true, cols: []string{colUnderscoreTime, colCount}}
	case *FilterPipe:
		if s.records {
			v.recordFilter(s, p.X)
		} else {
			v.expr(p.X, false)
		}
	case *UnpackPipe, *ExtractPipe:
		if s.records {
			v.errorf(p.Position(), "%s reads log lines; put it before the pipes that make records", pipeName(p))
		}
	case *FieldNamesPipe:
		return rowShape{records: true, cols: []string{colName, colCount}}
	case *FieldValuesPipe:
		v.field(s, p.Field)
		return rowShape{records: true, cols: []string{p.Field.Name, colCount}}
	}
	return s
}

// pipeName returns the word a pipe starts with.
func pipeName(p Pipe) string {
	name, _, _ := strings.Cut(p.String(), " ")
	return name
}

// groupBy checks the fields of a pipe that groups by them and returns its
// output: the fields, then extra.
func (v *validator) groupBy(s rowShape, by []FieldRef, extra ...string) rowShape {
	seen := map[string]bool{}
	for _, x := range extra {
		seen[x] = true
	}
	cols := make([]string, 0, len(by)+len(extra))
	for _, f := range by {
		v.field(s, f)
		if seen[f.Name] {
			v.errorf(f.Pos, "column %q would appear twice", f.Name)
		}
		seen[f.Name] = true
		cols = append(cols, f.Name)
	}
	return rowShape{records: true, cols: append(cols, extra...)}
}

func (v *validator) stats(s rowShape, p *StatsPipe) rowShape {
	seen := map[string]bool{}
	var cols []string
	add := func(name string, pos Position) {
		if seen[name] {
			v.errorf(pos, "column %q would appear twice (name the result with as)", name)
		}
		seen[name] = true
		cols = append(cols, name)
	}
	for _, b := range p.By {
		f := FieldRef{Name: b.Name, Pos: b.Pos}
		if b.Name == colUnderscoreTime && s.records {
			f.Name = colTime
		}
		if b.Name != colUnderscoreTime || s.records {
			v.field(s, f)
		}
		add(b.Name, b.Pos)
	}
	for _, f := range p.Funcs {
		if f.Field != "" {
			v.field(s, FieldRef{Name: f.Field, Pos: f.Pos})
		}
		add(f.Column(), f.Pos)
	}
	return rowShape{records: true, cols: cols}
}

// recordFilter checks the filter of a filter pipe over records: it may
// compare columns only.
func (v *validator) recordFilter(s rowShape, e Expr) {
	Inspect(e, func(n Node) bool {
		switch n := n.(type) {
		case *WordExpr, *PhraseExpr, *RegexpExpr:
			v.errorf(n.Position(), "words match log lines; after stats, count and fields, filter compares columns (%s)", strings.Join(s.cols, ", "))
		case *CompareExpr:
			v.field(s, FieldRef{Name: n.Field, Pos: n.Pos})
		case *RangeExpr:
			v.field(s, FieldRef{Name: n.Field, Pos: n.Pos})
			v.rangeExpr(n)
		case *InExpr:
			v.field(s, FieldRef{Name: n.Field, Pos: n.Pos})
		}
		return true
	})
}
