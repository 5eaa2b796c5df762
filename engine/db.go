package engine

import (
	"context"
	"errors"
)

// DB is an open logdb data directory. It is safe for concurrent use by
// multiple goroutines.
type DB struct {
	opts *Options
}

// Open opens the database in dir, creating it if needed. A nil opts uses
// DefaultOptions. Only one process may open a directory for writing; another
// gets an error wrapping ErrLocked that names the holder's pid.
func Open(dir string, opts *Options) (*DB, error) {
	return nil, errors.New("TODO")
}

// Close seals open tails, stops background work and closes the files. It is
// safe to call more than once; later calls return nil.
func (db *DB) Close() error { return nil }

// Append stores entries and returns the line number given to each, in order.
// Line numbers count from 1 inside each run (job, attempt) without gaps, in
// append order. An entry's Time of 0 becomes the current time; its Line is
// ignored. When Append returns nil, the entries are durable (unless
// Options.NoSync) and visible to reads and queries.
func (db *DB) Append(ctx context.Context, entries ...Entry) ([]int64, error) {
	return nil, errors.New("TODO")
}
