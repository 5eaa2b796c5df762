package engine

import "errors"

// Errors returned when opening a DB.
var (
	// ErrLocked is returned by Open when another process holds the data
	// directory. The error returned wraps it and names the holder's pid.
	ErrLocked = errors.New("engine: data directory is locked")

	// ErrVersion is returned by Open when the data directory was written
	// by an incompatible version of logdb.
	ErrVersion = errors.New("engine: unsupported data directory version")

	// ErrNeedsWrite is returned by Open with Options.ReadOnly when the
	// store cannot be read without writing it first: it does not exist
	// yet, or the last process that had it open was killed, so that its
	// write-ahead log must be replayed.
	ErrNeedsWrite = errors.New("engine: the store must be opened for writing")
)

// Errors returned by operations on an open DB. Use errors.Is to test for
// them.
var (
	// ErrClosed is returned when an operation is performed on a closed DB.
	ErrClosed = errors.New("engine: closed")

	// ErrRunNotFound is returned when a read names a run that does not
	// exist.
	ErrRunNotFound = errors.New("engine: run not found")

	// ErrBadCursor is returned when a cursor is malformed or belongs to
	// another DB.
	ErrBadCursor = errors.New("engine: bad cursor")

	// ErrLineTooLong is returned by Append when a message is longer than
	// Options.MaxLineBytes. Nothing of that Append is stored.
	ErrLineTooLong = errors.New("engine: line too long")

	// ErrRunFinished is returned by Append and FinishRun for a run that
	// FinishRun already ended. A new attempt is a new run.
	ErrRunFinished = errors.New("engine: run finished")

	// ErrBadEntry is returned by Append for an entry without a job, with a
	// negative attempt, or with a NUL byte in its job name. Nothing of that
	// Append is stored.
	ErrBadEntry = errors.New("engine: bad entry")

	// ErrReadOnly is returned by every write to a DB opened with
	// Options.ReadOnly.
	ErrReadOnly = errors.New("engine: store opened read-only")
)
