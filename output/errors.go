package output

import "errors"

// Errors returned when creating a Writer. Use errors.Is to test for them.
var (
	// ErrUnknownFormat is returned by NewWriter and New for a format that is
	// not one of Formats().
	ErrUnknownFormat = errors.New("output: unknown format")
)
