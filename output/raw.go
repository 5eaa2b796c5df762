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
type rawWriter struct {
	w *bufio.Writer
}

func newRaw(w io.Writer, _ *Options) Writer { return &rawWriter{w: bufio.NewWriter(w)} }

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
		}
		r.w.WriteString(strings.Join(parts, "\t"))
	}
	return r.w.WriteByte('\n')
}

func (r *rawWriter) Flush() error { return r.w.Flush() }
