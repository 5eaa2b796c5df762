package index

import "errors"

var (
	// ErrClosed is returned when an operation is performed on a closed
	// Index.
	ErrClosed = errors.New("index: closed")

	// ErrVersion is returned by Open when the index on disk was built with
	// another document layout. The caller should rebuild it.
	ErrVersion = errors.New("index: layout version mismatch")
)
