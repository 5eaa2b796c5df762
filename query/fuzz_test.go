package query

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics and that what it accepts prints
// and parses back to the same tree: Parse(q.String()).String() ==
// q.String(). The seed corpus in testdata/fuzz/FuzzParse holds the inputs
// of the tests in this package; f.Add adds the round-trip inputs and the
// golden queries.
func FuzzParse(f *testing.F) {
	for _, s := range roundTripInputs {
		f.Add(s)
	}
	files, _ := filepath.Glob("testdata/parse/*.txt")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range parseGolden(string(data)) {
			f.Add(c.query)
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src)
		if err != nil {
			perr, ok := err.(*ParseError)
			if !ok {
				t.Fatalf("Parse(%q) returned %T, want *ParseError: %v", src, err, err)
			}
			if leaksGrammar(perr.Msg) {
				t.Fatalf("Parse(%q) error %q names the grammar's structs", src, perr.Msg)
			}
			_ = err.Error()
			return
		}
		s := q.String()
		q2, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q does not parse: %v", src, s, err)
		}
		if s2 := q2.String(); s2 != s {
			t.Fatalf("Parse(%q): String %q parses to String %q", src, s, s2)
		}
		if a, b := treeNoPos(q), treeNoPos(q2); a != b {
			t.Fatalf("Parse(%q): String %q parses to another tree:\n%s\n!=\n%s", src, s, a, b)
		}
		// A query Parse accepts plans over lines, unless it uses what only a
		// query over runs has (HAVING, numeric comparisons of fields); then
		// planning says so with a position.
		if _, err := NewPlan(q, Options{Now: testNow, Location: time.UTC}); err != nil {
			var perr *ParseError
			if !errors.As(err, &perr) || !(q.Having != nil || strings.Contains(perr.Msg, "compares numbers and durations")) {
				t.Fatalf("NewPlan(Parse(%q)): %v", src, err)
			}
		}
		if strings.Contains(s, "\n") && !strings.Contains(src, "\n") {
			t.Fatalf("String %q of %q has a newline", s, src)
		}
	})
}
