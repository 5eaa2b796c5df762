package output

import (
	"bufio"
	"io"
	"strconv"
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
//
// With Options.Context each line has its run and line number before it,
// ':' marking a hit and '-' a line of context, as grep -Hn -C marks them.
type rawWriter struct {
	w       *bufio.Writer
	runs    bool
	context bool
}

func newRaw(w io.Writer, o *Options) Writer {
	return &rawWriter{w: bufio.NewWriter(w), runs: o.Runs, context: o.Context}
}

func (r *rawWriter) Write(row *query.Row) error {
	switch row.Kind {
	case query.EntryRow:
		if r.context {
			writeRunLine(r.w, row, contextMark(row))
			r.w.WriteByte(contextMark(row))
		}
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

// contextMark is what follows the line number of an entry, as grep marks
// lines: ':' for a hit, '-' for a line read for context.
func contextMark(row *query.Row) byte {
	if row.Context {
		return '-'
	}
	return ':'
}

// writeRunLine writes an entry's job/attempt, mark and line number:
// "build/0:12" for a hit, "build/0-11" for a line of context.
func writeRunLine(w *bufio.Writer, row *query.Row, mark byte) {
	var buf [20]byte
	e := row.Entry
	w.WriteString(Escape(e.Job))
	w.WriteByte('/')
	w.Write(strconv.AppendInt(buf[:0], int64(e.Attempt), 10))
	w.WriteByte(mark)
	w.Write(strconv.AppendInt(buf[:0], e.Line, 10))
}
