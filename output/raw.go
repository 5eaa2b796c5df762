package output

import (
	"bufio"
	"io"
	"strings"

	"github.com/logdb/logdb/query"
)

// rawWriter writes the message of each entry, the values of each record
// separated by tabs ("| count" thus gives the number alone) and "--" for a
// context separator, one per line, as grep would. An entry's message is
// written exactly as stored, for pipes; record values, which may be job
// names, labels or messages, are escaped (see Escape), so that a tab or a
// newline in one cannot add a column or a record.
//
// For run records (Options.Runs) a label column is written as name=value,
// since raw has no header to name it.
type rawWriter struct {
	w    *bufio.Writer
	runs bool
}

func newRaw(w io.Writer, o *Options) Writer { return &rawWriter{w: bufio.NewWriter(w), runs: o.Runs} }

func (r *rawWriter) Write(row *query.Row) error {
	switch row.Kind {
	case query.EntryRow:
		r.w.WriteString(row.Entry.Message)
	case query.SeparatorRow:
		r.w.WriteString("--")
	case query.RecordRow:
		parts := make([]string, len(row.Values))
		for i, v := range row.Values {
			parts[i] = Escape(formatValue(v))
			if r.runs && i < len(row.Columns) && !query.IsRunField(row.Columns[i]) {
				parts[i] = Escape(row.Columns[i]) + "=" + parts[i]
			}
		}
		r.w.WriteString(strings.Join(parts, "\t"))
	}
	return r.w.WriteByte('\n')
}

func (r *rawWriter) Flush() error { return r.w.Flush() }
