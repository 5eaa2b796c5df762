package query

import (
	"context"
	"time"
)

// fieldsStage implements "fields": it turns each entry into a record of the
// named fields, or picks and reorders the columns of records. Separator rows
// cannot reach it (context is always the last pipe).
type fieldsStage struct {
	in      stage
	columns []string
	idx     []int // for records: the input column of each output column
	loc     *time.Location
	cur     Row
}

func newFieldsStage(in stage, fields []FieldRef, inCols []string, loc *time.Location) *fieldsStage {
	s := &fieldsStage{in: in, loc: loc}
	for _, f := range fields {
		s.columns = append(s.columns, f.Name)
		s.idx = append(s.idx, columnIndex(inCols, f.Name))
	}
	s.cur = Row{Kind: RecordRow, Columns: s.columns, Values: make([]any, len(s.columns))}
	return s
}

func (s *fieldsStage) next(ctx context.Context) bool {
	if !s.in.next(ctx) {
		return false
	}
	r := s.in.row()
	for i, name := range s.columns {
		if r.Kind == EntryRow {
			s.cur.Values[i] = entryValue(r.Entry, name, s.loc)
		} else {
			s.cur.Values[i] = r.value(s.idx[i])
		}
	}
	return true
}

func (s *fieldsStage) row() *Row    { return &s.cur }
func (s *fieldsStage) err() error   { return s.in.err() }
func (s *fieldsStage) close() error { return s.in.close() }
