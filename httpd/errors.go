package httpd

import "errors"

// Errors of reading a request body. Use errors.Is to test for them.
var (
	// ErrTooLarge is returned for a body, uncompressed, larger than the
	// limit.
	ErrTooLarge = errors.New("request body too large")

	// ErrEncoding is returned for a Content-Encoding that is not gzip,
	// deflate, zstd or snappy, or a body that does not decode as its
	// encoding says.
	ErrEncoding = errors.New("bad content encoding")
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("httpd: server closed")

// ErrInsecureListen is returned by Serve for a listener that is not on a
// loopback address when there is no token.
var ErrInsecureListen = errors.New("httpd: refusing to serve a non-loopback address without a token")
