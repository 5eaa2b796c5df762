package query

import (
	"cmp"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
)

// This file holds the fields of an entry as pipes see them: time, job,
// attempt, line, level, msg and any label name.

// entryValue returns field name of e as a record value (see Row.Values): a
// label that e lacks is "".
func entryValue(e *engine.Entry, name string, loc *time.Location) any {
	switch name {
	case colTime:
		return time.Unix(0, e.Time).In(loc)
	case colJob:
		return e.Job
	case colAttempt:
		return int64(e.Attempt)
	case colLine:
		return e.Line
	case colLevel:
		return e.Level
	case colMsg:
		return e.Message
	}
	v, _ := e.Labels.Get(name)
	return v
}

// entryCompare returns a function comparing two entries by field name.
// Levels compare by severity, with "no level" lowest; a missing label is "".
func entryCompare(name string) func(a, b *engine.Entry) int {
	switch name {
	case colTime:
		return func(a, b *engine.Entry) int { return cmp.Compare(a.Time, b.Time) }
	case colJob:
		return func(a, b *engine.Entry) int { return strings.Compare(a.Job, b.Job) }
	case colAttempt:
		return func(a, b *engine.Entry) int { return cmp.Compare(a.Attempt, b.Attempt) }
	case colLine:
		return func(a, b *engine.Entry) int { return cmp.Compare(a.Line, b.Line) }
	case colLevel:
		return func(a, b *engine.Entry) int { return cmp.Compare(a.Level, b.Level) }
	case colMsg:
		return func(a, b *engine.Entry) int { return strings.Compare(a.Message, b.Message) }
	}
	return func(a, b *engine.Entry) int {
		x, _ := a.Labels.Get(name)
		y, _ := b.Labels.Get(name)
		return strings.Compare(x, y)
	}
}

// defaultOrder compares entries in the engine's order: time, job, attempt,
// line.
func defaultOrder(a, b *engine.Entry) int {
	if c := cmp.Compare(a.Time, b.Time); c != 0 {
		return c
	}
	if c := strings.Compare(a.Job, b.Job); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Attempt, b.Attempt); c != 0 {
		return c
	}
	return cmp.Compare(a.Line, b.Line)
}

// compareValues orders two record values of the same column. Values of
// different types (which one column never mixes) order by type.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	case engine.Level:
		if y, ok := b.(engine.Level); ok {
			return cmp.Compare(x, y)
		}
	}
	return cmp.Compare(typeRank(a), typeRank(b))
}

func typeRank(v any) int {
	switch v.(type) {
	case engine.Level:
		return 1
	case int64, float64:
		return 2
	case time.Time:
		return 3
	case string:
		return 4
	}
	return 0
}

// value returns a record's value in column i, or nil when i is -1 (a
// column the record lacks).
func (r *Row) value(i int) any {
	if i < 0 {
		return nil
	}
	return r.Values[i]
}

// columnIndex returns the index of name in cols, or -1.
func columnIndex(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}
