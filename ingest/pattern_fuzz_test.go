package ingest

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzPattern checks that compiling any Options.Pattern either works or
// gives a SyntaxError whose position lies in the pattern, and that reading
// any line with a pattern that compiles gives a well-formed entry; never a
// panic.
func FuzzPattern(f *testing.F) {
	f.Add(`%{TIMESTAMP:time} %{LEVEL:level} %{GREEDYDATA:msg}`, "2024-01-02 03:04:05 INFO x")
	f.Add(`^(?P<host>\S+) (?P<time>\S+ \S+) <(?P<level>\w+)> (?P<msg>.*)`, "h 2024-01-02 03:04:05 <E> x")
	f.Add(`%{WORD:level_text}|%{INT:level}`, "E|3")
	f.Add(`(?P<time>`, "x")
	f.Add(`%{`, "")
	f.Add(`%{LEVL:x}`, "")
	f.Add(`(?P<time>.*)`, "[17/May/2015:10:05:03 +0000]")
	f.Fuzz(func(t *testing.T, pat, line string) {
		p, err := compilePattern(pat)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(pat) {
				t.Fatalf("%q: %v", pat, err)
			}
			_ = err.Error()
			return
		}
		if p.re == nil {
			t.Fatal("no regexp")
		}
		o := fuzzOptions(FormatText)
		o.Pattern = pat
		r := NewReader(strings.NewReader(line), "f.log", o)
		for {
			e, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				var le *LineError
				if !errors.As(err, &le) {
					t.Fatalf("fatal error %v", err)
				}
				continue
			}
			checkEntry(t, e)
		}
	})
}
