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
	fmt.Fprintf(&b, "%s: %s", r.name, plural(int64(s.Lines), "line"))
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
	for _, f := range []struct {
		n    int64
		what string
	}{{s.WithTime, "time"}, {s.WithLevel, "level"}} {
		switch {
		case f.n == 0:
			missing = append(missing, "no "+f.what)
		case f.n*2 < base:
			missing = append(missing, "few lines with a "+f.what)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return strings.Join(missing, " and ") + ` recognised; give the layout with --time-format '%Y-%m-%d %H:%M:%S' or ` +
		`--pattern '%{TIMESTAMP:time} %{LEVEL:level} %{GREEDYDATA:msg}'`
}

// binaryHint adds to an error of a binary input how to ingest it anyway.
func binaryHint(err error) error {
	if errors.Is(err, ingest.ErrBinary) {
		return fmt.Errorf("%w: it looks like a binary file; --binary ingests it anyway", err)
	}
	return err
}
