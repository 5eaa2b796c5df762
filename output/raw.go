package output

import (
	"bufio"
	"io"
	"strings"

	"github.com/logdb/logdb/query"
)

// rawWriter writes the message of each entry, the values of each record
// separated by tabs ("| count" thus gives the number alone) and "--" for a
// context separator, one per line, as grep would.
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
			parts[i] = formatValue(v)
		}
		r.w.WriteString(strings.Join(parts, "\t"))
	}
	return r.w.WriteByte('\n')
}

func (r *rawWriter) Flush() error { return r.w.Flush() }
