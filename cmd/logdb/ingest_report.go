package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/logdb/logdb/ingest"
)

// fileReport is what ingest found in one input, printed when it ends.
type fileReport struct {
	name   string
	format ingest.Format
	stats  ingest.Stats
}

// printReports writes a line per input: how many lines got a time and a
// level from their own text, by which layout, and, when few did, which
// flag to use.
func printReports(w io.Writer, reports []fileReport) {
	for _, r := range reports {
		fmt.Fprintln(w, r.String())
	}
}

// String is the report's line, such as
//
//	app.log: 1200 lines: time on 1180, level on 1150 (iso 1150, syslog 30); 20 continue an entry
func (r fileReport) String() string {
	s := r.stats
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d lines", r.name, s.Lines)
	if r.format != ingest.FormatText {
		fmt.Fprintf(&b, " (%s)", r.format)
	}
	if s.Lines == 0 {
		return b.String()
	}
	fmt.Fprintf(&b, ": time on %d, level on %d", s.WithTime, s.WithLevel)
	if len(s.Layouts) > 0 {
		type kv struct {
			name string
			n    int64
		}
		var ls []kv
		for k, v := range s.Layouts {
			ls = append(ls, kv{k, v})
		}
		slices.SortFunc(ls, func(a, b kv) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.name, b.name)) })
		b.WriteString(" (")
		for i, l := range ls {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", l.name, l.n)
		}
		b.WriteString(")")
	}
	if s.Continued > 0 {
		fmt.Fprintf(&b, "; %d continue an entry", s.Continued)
	}
	if r.format == ingest.FormatText {
		if hint := r.hint(); hint != "" {
			fmt.Fprintf(&b, "\n%s: warning: %s", r.name, hint)
		}
	}
	return b.String()
}

// hint returns the warning for a text file in which fewer than half the
// lines that start an entry got a time or a level, or "".
func (r fileReport) hint() string {
	s := r.stats
	base := s.Lines - s.Continued
	var missing []string
	if s.WithTime*2 < base {
		missing = append(missing, "time")
	}
	if s.WithLevel*2 < base {
		missing = append(missing, "level")
	}
	if len(missing) == 0 {
		return ""
	}
	what := "no " + strings.Join(missing, " or ") + " recognised"
	if s.WithTime > 0 && missing[0] == "time" || s.WithLevel > 0 && missing[len(missing)-1] == "level" {
		what = "few lines with a " + strings.Join(missing, " or ") + " recognised"
	}
	return what + `; give the layout with --time-format '%Y-%m-%d %H:%M:%S' or ` +
		`--pattern '%{TIMESTAMP:time} %{LEVEL:level} %{GREEDYDATA:msg}'`
}

// binaryHint adds to an error of a binary input how to ingest it anyway.
func binaryHint(err error) error {
	if errors.Is(err, ingest.ErrBinary) {
		return fmt.Errorf("%w: it looks like a binary file; --binary ingests it anyway", err)
	}
	return err
}
