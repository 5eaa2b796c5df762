package output

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/logdb/logdb/query"
)

// csvWriter writes RFC 4180 CSV with a header line. Entries have the
// columns time, level, job, attempt, line, msg, labels, with time in RFC
// 3339 with nanoseconds in UTC and labels as a JSON object ({} for none);
// records have their own columns. The header comes from the first row, so
// one writer should get rows of one query. Context separators are left out
// and context lines are written like hits: use json to tell them apart.
//
// Control characters in every field are escaped as table escapes them
// (see Escape), not only quoted: a newline inside quotes is valid CSV, but
// a reader that splits lines (grep, wc -l, a spreadsheet's import guess)
// would take it for a new record, which a job name or message could then
// forge. Each record is therefore one line; json keeps the exact text.
type csvWriter struct {
	w      *csv.Writer
	header bool
	rec    []string
}

func newCSV(w io.Writer, _ *Options) Writer { return &csvWriter{w: csv.NewWriter(w)} }

var csvEntryHeader = []string{"time", "level", "job", "attempt", "line", "msg", "labels"}

func (c *csvWriter) Write(row *query.Row) error {
	switch row.Kind {
	case query.SeparatorRow:
		return nil
	case query.EntryRow:
		if !c.header {
			c.header = true
			if err := c.w.Write(csvEntryHeader); err != nil {
				return err
			}
		}
		e := row.Entry
		labels := []byte("{}")
		if len(e.Labels) > 0 {
			labels, _ = json.Marshal(e.Labels.Map())
			labels = escapeJSONText(labels)
		}
		c.rec = append(c.rec[:0],
			time.Unix(0, e.Time).UTC().Format(jsonTimeLayout),
			e.Level.String(),
			Escape(e.Job),
			strconv.Itoa(e.Attempt),
			strconv.FormatInt(e.Line, 10),
			Escape(e.Message),
			string(labels))
	case query.RecordRow:
		if !c.header {
			c.header = true
			header := make([]string, len(row.Columns))
			for i, col := range row.Columns {
				header[i] = Escape(col)
			}
			if err := c.w.Write(header); err != nil {
				return err
			}
		}
		c.rec = c.rec[:0]
		for _, v := range row.Values {
			c.rec = append(c.rec, Escape(formatValue(v)))
		}
	}
	return c.w.Write(c.rec)
}

func (c *csvWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}
