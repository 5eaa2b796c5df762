package ship

import (
	"errors"
	"fmt"
)

// Errors that reject a request or one of its records. Decoders return them
// wrapped in a *RecordError, whose text names the record; use errors.Is to
// test for them.
var (
	// ErrMalformed is returned for a body or record that does not follow
	// its protocol: invalid JSON, a bad protobuf, a syslog line without a
	// PRI.
	ErrMalformed = errors.New("malformed")

	// ErrTooLong is returned for a record whose message is longer than the
	// limit the decoder was given.
	ErrTooLong = errors.New("line too long")

	// ErrBadField is returned for a record whose mapped field cannot be
	// used: a time that does not fit the time format, an attempt that is
	// not a number.
	ErrBadField = errors.New("bad field")
)

// ErrBadMapping is returned by Mapping.Compile for options that cannot
// work, such as an unknown time format.
var ErrBadMapping = errors.New("ship: bad mapping")

// A RecordError reports a rejected record by its position in the request.
type RecordError struct {
	// Where names the record: "line 3", "stream 2 entry 5",
	// "resource 1 scope 1 record 4".
	Where string
	Err   error // wraps ErrMalformed, ErrTooLong or ErrBadField
}

// Error returns "where: reason".
func (e *RecordError) Error() string { return fmt.Sprintf("%s: %v", e.Where, e.Err) }

// Unwrap returns the reason.
func (e *RecordError) Unwrap() error { return e.Err }

// recordErrorf returns a *RecordError for where wrapping kind with a message.
func recordErrorf(where string, kind error, format string, args ...any) error {
	return &RecordError{Where: where, Err: fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)}
}
