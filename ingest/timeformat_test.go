package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// Ensure that Options.TimeFormat, in strftime or as a Go layout, reads the
// time at the start of a line, with the level after it, and that lines it
// does not fit go through detection.
func TestReadText_TimeFormat(t *testing.T) {
	tests := []struct {
		format string
		line   string
		time   time.Time
		level  engine.Level
	}{
		{"%d.%m.%Y %H:%M:%S", "28.11.2024 13:04:05 ERROR x", at(2024, 11, 28, 13, 4, 5, 0), engine.Error},
		{"%d.%m.%Y %H:%M:%S", "[28.11.2024 13:04:05] [warn] x", at(2024, 11, 28, 13, 4, 5, 0), engine.Warn},
		{"%d.%m.%Y %H:%M:%S", "28.11.2024 13:04:05.250: x", at(2024, 11, 28, 13, 4, 5, 250000000), engine.NoLevel},
		{"02.01.2006 15:04:05", "28.11.2024 13:04:05 INFO x", at(2024, 11, 28, 13, 4, 5, 0), engine.Info},
		{"%b %e %H:%M:%S", "Mar  7 13:04:05 INFO x", at(2024, 3, 7, 13, 4, 5, 0), engine.Info},
		{"%Y%m%dT%H%M%S%z", "20241128T130405+0100 x", at(2024, 11, 28, 12, 4, 5, 0), engine.NoLevel},
		{"%d.%m.%Y %H:%M:%S", "2024-01-02T03:04:05Z WARN detected", at(2024, 1, 2, 3, 4, 5, 0), engine.Warn},
	}
	for _, tt := range tests {
		o := testOptions(FormatText)
		o.Location = time.UTC
		o.TimeFormat = tt.format
		rs := readAll(t, tt.line+"\n", o)
		if len(rs) != 1 || rs[0].err != nil {
			t.Fatalf("%s: %+v", tt.format, rs)
		}
		if e := rs[0].e; e.Time != tt.time.UnixNano() || e.Level != tt.level || e.Message != tt.line {
			t.Errorf("%s on %q: %v %v; want %v %v", tt.format, tt.line, e.Timestamp(), e.Level, tt.time, tt.level)
		}
	}
}

// Ensure that a bad time format is an error naming the position.
func TestCompileTimeFormat_Errors(t *testing.T) {
	for _, tt := range []struct {
		format, msg string
		caret       int
	}{
		{"%Y-%m-%d %H:%M:%Q", "unknown conversion %Q", 15},
		{"%Y-%m-%d %", "% at the end", 9},
		{"hello", "no day in the format", 0},
		{"%H:%M:%S", "no day in the format", 0},
	} {
		_, err := compileTimeFormat(tt.format)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: %v, want a SyntaxError", tt.format, err)
			continue
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != 3 || !strings.Contains(lines[0], tt.msg) || lines[2] != "  "+strings.Repeat(" ", tt.caret)+"^" {
			t.Errorf("%s: error\n%v\nwant %q at column %d", tt.format, err, tt.msg, tt.caret+1)
		}
	}
	if err := (Options{TimeFormat: "%Q"}).Validate(); !errors.Is(err, ErrBadOptions) {
		t.Errorf("Validate with a bad TimeFormat: %v", err)
	}
}
