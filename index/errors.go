package index

import "errors"

var (
	// ErrClosed is returned when an operation is performed on a closed
	// Index.
	ErrClosed = errors.New("index: closed")

	// ErrVersion is returned by Open when the index on disk was built with
	// another document layout. The caller should rebuild it.
	ErrVersion = errors.New("index: layout version mismatch")

	// ErrBroken is returned by Apply when Bleve failed in the middle of a
	// batch. The index is in an unknown state: rebuild it.
	ErrBroken = errors.New("index: broken by a failed write")
)
