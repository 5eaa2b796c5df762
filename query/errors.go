package query

import (
	"fmt"
	"strings"
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
