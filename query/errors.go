package query

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ParseError is returned by Parse for a query that is not well formed or
// names an unknown level, time zone, pipe, a bad regular expression and so
// on. Use errors.As to get at its fields.
type ParseError struct {
	// Pos is where the problem is.
	Pos Position
	// Msg says what is wrong, without the position.
	Msg string
	// Query is the text that was parsed.
	Query string
}

// Error returns the position and message, then the offending line of the
// query with a caret under the position:
//
//	1:7: unknown level "Eror" (want one of Trace, Debug, Info, Warn, Error, Fatal or an alias)
//	level=Eror
//	      ^
//
// The caret lines up for text in a fixed-width font without wide (East Asian)
// characters; tabs are kept so they line up too.
func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	line := e.line()
	b.WriteByte('\n')
	b.WriteString(line)
	b.WriteByte('\n')
	n := 0
	for _, r := range line {
		if n >= e.Pos.Column-1 {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	b.WriteByte('^')
	return b.String()
}

// line returns the line of the query that holds Pos, without its newline.
func (e *ParseError) line() string {
	q := e.Query
	off := e.Pos.Offset
	if off > len(q) {
		off = len(q)
	}
	if off < 0 {
		off = 0
	}
	start := strings.LastIndexByte(q[:off], '\n') + 1
	end := strings.IndexByte(q[off:], '\n')
	if end < 0 {
		end = len(q)
	} else {
		end += off
	}
	line := strings.TrimSuffix(q[start:end], "\r")
	if !utf8.ValidString(line) {
		line = strings.ToValidUTF8(line, "\uFFFD")
	}
	return line
}

// MemoryError is returned by Rows.Err when the pipes of a query need more
// memory than Limits.MaxMemory allows ("count by" groups, "sort" buffers,
// the hits of one "context" group), or than is left of Limits.Pool, which
// the queries running at once share. Use errors.As to get at its fields.
type MemoryError struct {
	// Limit is the limit reached, in bytes.
	Limit int64
	// Shared reports that Limit is the pool's, not the query's own.
	Shared bool
	// Pipe is the pipe that needed the memory, as written: "count by msg".
	Pipe string
	// Held says what the pipe held when it ran out: "1.2M groups".
	Held string
}

// Error says which limit was reached by which pipe, and what to do:
//
//	query needs more than 256 MiB for "count by msg" (1.2M groups so far); narrow the filter or the time range, or raise --query-memory
func (e *MemoryError) Error() string {
	if e.Shared {
		return fmt.Sprintf("the queries running at once need more than %s, this one for %q (%s so far); retry when fewer run, narrow the filter or the time range, or raise --query-memory-total",
			formatSize(e.Limit), e.Pipe, e.Held)
	}
	return fmt.Sprintf("query needs more than %s for %q (%s so far); narrow the filter or the time range, or raise --query-memory",
		formatSize(e.Limit), e.Pipe, e.Held)
}

// TimeoutError is returned, by Run or Rows.Err, when a query runs past its
// time: Limits.Timeout, or the deadline of the context it runs under.
// errors.Is(err, context.DeadlineExceeded) holds for it. A caller that
// sets the deadline can make the context's cause a TimeoutError
// (context.WithTimeoutCause) to have it reported as it is.
type TimeoutError struct {
	// After is the time the query had.
	After time.Duration
}

func (e *TimeoutError) Error() string {
	d := e.After
	if d >= time.Millisecond {
		d = d.Round(time.Millisecond) // a deadline read as 29.99998s is 30s
	}
	return fmt.Sprintf("query timed out after %s; narrow the filter or the time range, or raise --query-timeout", d)
}

// Unwrap returns context.DeadlineExceeded.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }
