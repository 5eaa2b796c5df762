package ingest

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A SyntaxError is a bad Options.Pattern or Options.TimeFormat. Its
// message shows the text with a caret under the position:
//
//	bad --pattern: unknown pattern LEVL at column 22
//	  %{TIMESTAMP:time} %{LEVL:level} %{GREEDYDATA:msg}
//	                    ^
type SyntaxError struct {
	Flag string // "--pattern" or "--time-format"
	Text string // the pattern as given
	Pos  int    // byte offset in Text
	Msg  string
}

func (e *SyntaxError) Error() string {
	pos := min(max(e.Pos, 0), len(e.Text))
	col := utf8.RuneCount([]byte(e.Text[:pos]))
	return fmt.Sprintf("bad %s: %s at column %d\n  %s\n  %s^", e.Flag, e.Msg, col+1,
		e.Text, strings.Repeat(" ", col))
}

// Unwrap makes a SyntaxError an ErrBadOptions.
func (e *SyntaxError) Unwrap() error { return ErrBadOptions }
