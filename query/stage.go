package query

import (
	"context"
	"strings"

	"github.com/logdb/logdb/engine"
)

// A stage produces rows, pulling them from the stage before it. The stages
// are the pipes of a query (stage_*.go) over the engine's results
// (stage_source.go). The contract of every stage:
//
//   - next advances to the next row and reports whether there is one. It
//     returns false at the end and after an error, which err then returns;
//     it must return ctx.Err() promptly once ctx is cancelled, also while
//     it reads all its input before producing the first row.
//   - row returns the current row. It and what it points to are valid until
//     the next call to next; a stage that keeps rows past that (sort, count)
//     copies them.
//   - close releases resources, closes the stage before it, and may be
//     called more than once.
//
// Stages are not safe for concurrent use.
type stage interface {
	next(ctx context.Context) bool
	row() *Row
	err() error
	close() error
}

// checkEvery is how many rows a stage that drains its input reads between
// two checks of its context.
const checkEvery = 256

// entryIterator is the part of *engine.Iterator that stages use.
type entryIterator interface {
	Next() bool
	Entry() *engine.Entry
	Err() error
	Close() error
}

// cloneEntry copies e deeply, so that it outlives the iterator's buffers.
func cloneEntry(e *engine.Entry) engine.Entry {
	c := *e
	c.Job = strings.Clone(e.Job)
	c.Message = strings.Clone(e.Message)
	if e.Labels != nil {
		c.Labels = make(engine.Labels, len(e.Labels))
		for i, l := range e.Labels {
			c.Labels[i] = engine.Label{Name: strings.Clone(l.Name), Value: strings.Clone(l.Value), Kind: l.Kind}
		}
	}
	return c
}

// cloneRow copies r deeply.
func cloneRow(r *Row) Row {
	c := *r
	if r.Entry != nil {
		e := cloneEntry(r.Entry)
		c.Entry = &e
	}
	if r.Values != nil {
		c.Values = make([]any, len(r.Values))
		for i, v := range r.Values {
			if s, ok := v.(string); ok {
				v = strings.Clone(s)
			}
			c.Values[i] = v
		}
	}
	return c
}
