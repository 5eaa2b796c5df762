package engine

import (
	"context"
	"errors"
)

// QueryOptions order and bound the results of Query.
type QueryOptions struct {
	// Desc orders results newest first. The default order is ascending by
	// (time, job, attempt, line).
	Desc bool

	// Limit, if positive, stops after that many entries.
	Limit int
}

// Query returns an iterator over the entries matching f, ordered by (time,
// job, attempt, line), ascending unless opts.Desc. A nil f matches every
// entry; a nil opts means no limit, ascending.
//
// Query finds candidate blocks in the full-text index and checks every line
// of them exactly, so its results never depend on how far the background
// indexer got.
func (db *DB) Query(ctx context.Context, f Filter, opts *QueryOptions) (*Iterator, error) {
	return nil, errors.New("TODO")
}
