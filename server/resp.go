package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// A Reader reads requests in RESP2, the Redis protocol: either an array of
// bulk strings, as client libraries, redis-cli and redis-benchmark send
// them,
//
//	*3\r\n$4\r\nREAD\r\n$5\r\nbuild\r\n$6\r\nlatest\r\n
//
// or an inline command, a line of words as typed into nc or telnet, split
// the way Redis splits it (see splitInline):
//
//	READ build latest COUNT 20\r\n
//
// Limits are enforced while reading, so that a request never costs more
// memory than the bytes the client actually sent, and never more than
// MaxRequest bytes in all.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	br *bufio.Reader

	// MaxInline is the longest inline command line; MaxRequest the most
	// bytes of arguments in one request (each argument is at most that);
	// MaxArgs the most arguments in one request.
	MaxInline  int
	MaxRequest int
	MaxArgs    int

	args [][]byte
	data []byte // arguments of the current array request, back to back
	ends []int  // where each argument ends in data
	line []byte // scratch for header lines
}

// NewReader returns a Reader of br with the default limits of Options.
func NewReader(br *bufio.Reader) *Reader {
	return &Reader{br: br, MaxInline: DefaultMaxInlineBytes, MaxRequest: DefaultMaxRequestBytes, MaxArgs: DefaultMaxArgs}
}

// A ProtocolError is a request the Reader could not read. Unless Fatal, the
// whole request was consumed and the connection can go on: the reply is an
// error and the next request is read normally. A Fatal error means the
// framing of the byte stream was lost (a malformed array header, a missing
// bulk-string marker): what follows cannot be told apart from the rest of
// the broken request, and reading it as commands could run the payload of
// a log line, so the server replies and closes, as Redis does.
type ProtocolError struct {
	Msg   string
	Fatal bool
}

func (e *ProtocolError) Error() string { return "Protocol error: " + e.Msg }

func protoErr(fatal bool, format string, args ...any) *ProtocolError {
	return &ProtocolError{Msg: fmt.Sprintf(format, args...), Fatal: fatal}
}

// maxHeader is the longest "*N" or "$N" line.
const maxHeader = 32

// ReadRequest reads the next request and returns its arguments, which stay
// valid until the next call. Empty inline lines are skipped, as Redis skips
// them. It returns a *ProtocolError for a malformed or oversized request,
// and the reader's error (io.EOF, a timeout) when reading fails.
func (r *Reader) ReadRequest() ([][]byte, error) {
	for {
		c, err := r.br.ReadByte()
		if err != nil {
			return nil, err
		}
		var args [][]byte
		if c == '*' {
			args, err = r.readArray()
		} else {
			if err := r.br.UnreadByte(); err != nil {
				return nil, err
			}
			args, err = r.readInline()
		}
		if err != nil {
			return nil, err
		}
		if len(args) > 0 {
			return args, nil
		}
	}
}

// readInline reads one inline command line.
func (r *Reader) readInline() ([][]byte, error) {
	line, tooLong, err := r.readLine(r.MaxInline)
	if err != nil {
		return nil, err
	}
	if tooLong {
		return nil, protoErr(false, "inline request longer than %d bytes (send long arguments as RESP bulk strings)", r.MaxInline)
	}
	words, err := splitInline(line)
	if err != nil {
		return nil, &ProtocolError{Msg: err.Error()}
	}
	r.args = append(r.args[:0], words...)
	return r.args, nil
}

// readArray reads an array of bulk strings after its '*'.
func (r *Reader) readArray() ([][]byte, error) {
	n, err := r.readHeader('*')
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, nil // *0 and *-1: nothing to do, as in Redis
	}
	tooMany := n > int64(r.MaxArgs)
	r.data, r.ends = r.data[:0], r.ends[:0]
	tooBig := false
	for i := int64(0); i < n; i++ {
		c, err := r.br.ReadByte()
		if err != nil {
			return nil, err
		}
		if c != '$' {
			return nil, protoErr(true, "expected '$', got %s", quoteByte(c))
		}
		size, err := r.readHeader('$')
		if err != nil {
			return nil, err
		}
		if size < 0 {
			return nil, protoErr(true, "invalid bulk length %d", size)
		}
		if tooMany || tooBig || size > int64(r.MaxRequest-len(r.data)) {
			// Too large: consume it without keeping it, so that the
			// stream stays in step and the connection usable.
			tooBig = true
			if _, err := io.CopyN(io.Discard, r.br, size); err != nil {
				return nil, noEOF(err)
			}
		} else if err := r.readBulk(int(size)); err != nil {
			return nil, err
		}
		if err := r.expectCRLF(); err != nil {
			return nil, err
		}
		if !tooBig {
			r.ends = append(r.ends, len(r.data))
		}
	}
	switch {
	case tooMany:
		return nil, protoErr(false, "request has %d arguments, the limit is %d", n, r.MaxArgs)
	case tooBig:
		return nil, protoErr(false, "request larger than %d bytes", r.MaxRequest)
	}
	r.args = r.args[:0]
	start := 0
	for _, end := range r.ends {
		r.args = append(r.args, r.data[start:end:end])
		start = end
	}
	return r.args, nil
}

// readBulk appends size bytes to data. It grows data by at most 64 KiB
// more than has arrived, so a declared length costs nothing until the
// bytes are sent.
func (r *Reader) readBulk(size int) error {
	for size > 0 {
		n := min(size, 64<<10)
		off := len(r.data)
		r.data = slices.Grow(r.data, n)[:off+n]
		if _, err := io.ReadFull(r.br, r.data[off:]); err != nil {
			r.data = r.data[:off]
			return noEOF(err)
		}
		size -= n
	}
	return nil
}

// readHeader reads the number after '*' or '$' and the CRLF after it.
func (r *Reader) readHeader(kind byte) (int64, error) {
	line, tooLong, err := r.readLine(maxHeader)
	if err != nil {
		return 0, err
	}
	what := "multibulk"
	if kind == '$' {
		what = "bulk"
	}
	if tooLong {
		return 0, protoErr(true, "invalid %s length", what)
	}
	n, ok := parseLength(line)
	if !ok || n < -1 {
		return 0, protoErr(true, "invalid %s length", what)
	}
	return n, nil
}

// parseLength reads a decimal integer of at most 18 digits, as strconv
// would but without a string.
func parseLength(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// expectCRLF reads the CRLF that ends a bulk string.
func (r *Reader) expectCRLF() error {
	cr, err := r.br.ReadByte()
	if err != nil {
		return noEOF(err)
	}
	lf, err := r.br.ReadByte()
	if err != nil {
		return noEOF(err)
	}
	if cr != '\r' || lf != '\n' {
		return protoErr(true, "bulk string not followed by CRLF")
	}
	return nil
}

// readLine reads up to and including '\n' and returns the line without its
// "\n" or "\r\n". A line longer than max is consumed to its end but not
// kept, and reported with tooLong.
func (r *Reader) readLine(max int) (line []byte, tooLong bool, err error) {
	r.line = r.line[:0]
	for {
		frag, err := r.br.ReadSlice('\n')
		if !tooLong {
			if len(r.line)+len(frag) > max+2 {
				tooLong = true
				r.line = r.line[:0]
			} else {
				r.line = append(r.line, frag...)
			}
		}
		if err == nil {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, false, noEOF(err)
		}
	}
	if tooLong {
		return nil, true, nil
	}
	line = r.line[:len(r.line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > max {
		return nil, true, nil
	}
	return line, false, nil
}

// noEOF turns an EOF in the middle of a request into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func quoteByte(c byte) string { return strconv.QuoteRune(rune(c)) }
