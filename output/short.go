package output

import (
	"bufio"
	"io"
	"time"

	"github.com/logdb/logdb/query"
)

// shortWriter writes one line per entry, as journalctl's short format
// does, with nothing buffered between lines, so that it suits a live
// stream (logdb query -f): the time to the millisecond in
// Options.Location, the level padded to five, job/attempt:line (with '-'
// for ':' on a line of "| context", as grep marks it), the message, each
// control character escaped (see Escape). A record and a separator are
// written as raw writes them.
type shortWriter struct {
	w   *bufio.Writer
	loc *time.Location
	raw rawWriter
}

func newShort(w io.Writer, o *Options) Writer {
	bw := bufio.NewWriter(w)
	return &shortWriter{w: bw, loc: o.Location, raw: rawWriter{w: bw}}
}

func (s *shortWriter) Write(row *query.Row) error {
	if row.Kind != query.EntryRow {
		return s.raw.Write(row)
	}
	e := row.Entry
	var buf [64]byte
	s.w.Write(time.Unix(0, e.Time).In(s.loc).AppendFormat(buf[:0], tableLayout))
	s.w.WriteByte(' ')
	lvl := e.Level.String()
	if lvl == "" {
		lvl = "-"
	}
	s.w.WriteString(lvl)
	for i := len(lvl); i < 5; i++ {
		s.w.WriteByte(' ')
	}
	s.w.WriteByte(' ')
	writeRunLine(s.w, row, contextMark(row))
	s.w.WriteByte(' ')
	s.w.WriteString(Escape(e.Message))
	return s.w.WriteByte('\n')
}

func (s *shortWriter) Flush() error { return s.w.Flush() }
