package ingest

import (
	"errors"
	"fmt"
)

// Errors that reject one line. Read returns them wrapped in a *LineError,
// whose text already names the file and line, so unlike the engine's
// sentinels these carry no "ingest:" prefix: a rejected line reads
// "app.log:17: invalid JSON: …". Use errors.Is to test for them.
var (
	// ErrLineTooLong is returned for a line longer than
	// Options.MaxLineBytes. The line is skipped without being buffered
	// whole.
	ErrLineTooLong = errors.New("line too long")

	// ErrInvalidJSON is returned in json mode for a line that is not valid
	// JSON.
	ErrInvalidJSON = errors.New("invalid JSON")

	// ErrNotObject is returned in json mode for a line that is valid JSON
	// but not an object, such as an array or a bare string.
	ErrNotObject = errors.New("not a JSON object")

	// ErrInvalidLogfmt is returned in logfmt mode for a line that the
	// logfmt decoder rejects, such as one with an unterminated quote.
	ErrInvalidLogfmt = errors.New("invalid logfmt")
)

// Errors returned before any line is read.
var (
	// ErrBadOptions is returned by Options.Validate, and by the first Read
	// of a Reader made with such options, for options that cannot work.
	ErrBadOptions = errors.New("ingest: bad options")
)

// A LineError reports a rejected line. The Reader that returned it stays
// usable: the caller logs the error and calls Read again.
type LineError struct {
	File string // the name given to NewReader
	Line int64  // 1-based source line, counted like sed -n
	Err  error  // wraps one of ErrLineTooLong, ErrInvalidJSON, ErrNotObject, ErrInvalidLogfmt
}

// Error returns "file:line: reason".
func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the reason, so that errors.Is(err, ErrInvalidJSON) works.
func (e *LineError) Unwrap() error { return e.Err }
