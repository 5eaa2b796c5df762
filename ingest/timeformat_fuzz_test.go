package ingest

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzTimeFormat checks that any Options.TimeFormat either compiles or
// gives a SyntaxError with a position in it, and that reading any line
// with one that compiles gives well-formed entries; never a panic.
func FuzzTimeFormat(f *testing.F) {
	f.Add("%d.%m.%Y %H:%M:%S", "28.11.2024 13:04:05 ERROR x")
	f.Add("%b %e %H:%M:%S", "Mar  7 13:04:05 x")
	f.Add("02.01.2006 15:04:05", "[28.11.2024 13:04:05] x")
	f.Add("%Y%m%dT%H%M%S%z", "20241128T130405+0100 x")
	f.Add("%", "")
	f.Fuzz(func(t *testing.T, format, line string) {
		if _, err := compileTimeFormat(format); err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(format) {
				t.Fatalf("%q: %v", format, err)
			}
			_ = err.Error()
			return
		}
		o := fuzzOptions(FormatText)
		o.TimeFormat = format
		r := NewReader(strings.NewReader(line), "f.log", o)
		for {
			e, err := r.Read()
			if err == io.EOF {
				break
			}
			var le *LineError
			if err != nil && !errors.As(err, &le) {
				t.Fatalf("fatal error %v", err)
			}
			checkEntry(t, e)
		}
	})
}
