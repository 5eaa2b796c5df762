package engine

import (
	"context"
	"errors"
)

// A ReadRequest selects a range of one run's lines, like the task-instance
// log API (GetInstanceLog): a run, a start line, a count and a filter.
type ReadRequest struct {
	// Job and Attempt name the run. Attempt may be Latest or negative,
	// counting back from the latest attempt.
	Job     string
	Attempt int

	// From is the first line number to return. Default 1.
	From int64

	// Count is the most lines to return. Default 10000.
	Count int

	// Filter, if not nil, drops lines it does not match; they do not count
	// towards Count. Typically a LevelFilter.
	Filter Filter

	// Cursor, if not empty, continues where an earlier Page ended: it
	// replaces Job, Attempt and From.
	Cursor string
}

// A Page is the answer to a ReadRequest.
type Page struct {
	// Entries are the lines read, in line order.
	Entries []Entry

	// Job and Attempt name the run read, with Attempt resolved.
	Job     string
	Attempt int

	// LineCount is the number of lines in the run when it was read.
	LineCount int64

	// Bytes is the total size of the run's messages.
	Bytes int64

	// IsEnd reports whether the page reached the last line of the run as it
	// was when read.
	IsEnd bool

	// Cursor continues after the last line examined. It stays valid while
	// the run grows: reading with it later returns lines appended since,
	// never skipping or repeating one.
	Cursor string
}

// ReadLines returns up to r.Count lines of one run with line numbers from
// r.From on that pass r.Filter. It returns an error wrapping ErrRunNotFound
// if the run does not exist.
func (db *DB) ReadLines(ctx context.Context, r ReadRequest) (*Page, error) {
	return nil, errors.New("TODO")
}
