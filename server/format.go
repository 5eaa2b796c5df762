package server

import (
	"bytes"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

// TimeLayout is how replies write times: RFC 3339 with all nine digits of
// nanoseconds, so that times sort as text (as `logdb query -o json` does).
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// A format is how READ and QUERY write lines (FORMAT option).
type format uint8

const (
	// fmtEntry: READ [line, time, level, msg]; QUERY [time, job, attempt,
	// line, level, msg]. The default: readable in redis-cli.
	fmtEntry format = iota
	// fmtFull adds the labels as a flat [name, value, …] array, and for
	// QUERY a context flag (1 for a line shown by "| context" that is not
	// a hit): everything, for programs (package client uses it).
	fmtFull
	// fmtRaw: the message alone, as `logdb read` prints it.
	fmtRaw
	// fmtJSON: one JSON object per line, as `logdb query -o json` writes it.
	fmtJSON
)

func parseFormat(s string) (format, error) {
	switch strings.ToLower(s) {
	case "", "entry":
		return fmtEntry, nil
	case "full":
		return fmtFull, nil
	case "raw":
		return fmtRaw, nil
	case "json":
		return fmtJSON, nil
	}
	return 0, errorf("unknown FORMAT %q (want entry, full, raw or json)", s)
}

// formatTime writes a Unix ns time in UTC, or "" for 0.
func formatTime(ns int64) string {
	if ns == 0 {
		return ""
	}
	return time.Unix(0, ns).UTC().Format(TimeLayout)
}

// timeOrNil writes a time, or nil for 0 (unknown).
func timeOrNil(w *Writer, ns int64) { w.Time(ns) }

func writeLabels(w *Writer, ls engine.Labels) {
	w.Array(2 * len(ls))
	for _, l := range ls {
		w.String(l.Name)
		w.String(l.Value)
	}
}

// jsonRows renders rows as JSON objects through package output, one at a
// time.
type jsonRows struct {
	buf bytes.Buffer
	w   output.Writer
}

func (j *jsonRows) render(row *query.Row) []byte {
	if j.w == nil {
		j.w, _ = output.NewWriter(&j.buf, "json")
	}
	j.buf.Reset()
	j.w.Write(row)
	j.w.Flush()
	return bytes.TrimSuffix(j.buf.Bytes(), []byte("\n"))
}

// writeReadLine writes one line of a READ page.
func writeReadLine(w *Writer, f format, e *engine.Entry, j *jsonRows) {
	switch f {
	case fmtRaw:
		w.String(e.Message)
	case fmtJSON:
		w.Bulk(j.render(&query.Row{Kind: query.EntryRow, Entry: e}))
	default:
		n, kinds := 4, ""
		if f == fmtFull {
			n = 5
			if kinds = e.Labels.Kinds(); kinds != "" {
				n++
			}
		}
		w.Array(n)
		w.Int(e.Line)
		w.Time(e.Time)
		w.String(e.Level.String())
		w.String(e.Message)
		if f == fmtFull {
			writeLabels(w, e.Labels)
			if kinds != "" {
				w.String(kinds)
			}
		}
	}
}

// writeRow writes one row of a QUERY page.
func writeRow(w *Writer, f format, row *query.Row, j *jsonRows) {
	switch {
	case row.Kind == query.SeparatorRow:
		w.Nil()
	case f == fmtJSON:
		w.Bulk(j.render(row))
	case row.Kind == query.RecordRow && f == fmtRaw:
		vs := make([]string, len(row.Values))
		for i, v := range row.Values {
			vs[i] = valueString(v)
		}
		w.String(strings.Join(vs, "\t"))
	case row.Kind == query.RecordRow:
		w.Array(len(row.Values))
		for _, v := range row.Values {
			switch x := v.(type) {
			case int64:
				w.Int(x)
			case nil:
				w.Nil()
			default:
				w.String(valueString(v))
			}
		}
	case f == fmtRaw:
		w.String(row.Entry.Message)
	default:
		e := row.Entry
		n, kinds := 6, ""
		if f == fmtFull {
			n = 8
			if kinds = e.Labels.Kinds(); kinds != "" {
				n++
			}
		}
		w.Array(n)
		w.Time(e.Time)
		w.String(e.Job)
		w.Int(int64(e.Attempt))
		w.Int(e.Line)
		w.String(e.Level.String())
		w.String(e.Message)
		if f == fmtFull {
			writeLabels(w, e.Labels)
			w.Bool(row.Context)
			if kinds != "" {
				w.String(kinds)
			}
		}
	}
}

// valueString renders a record value: times in their zone in TimeLayout,
// levels by name.
func valueString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return itoa(x)
	case time.Time:
		return x.Format(TimeLayout)
	case engine.Level:
		return x.String()
	case nil:
		return ""
	}
	var b bytes.Buffer
	j, _ := output.NewWriter(&b, "raw")
	j.Write(&query.Row{Kind: query.RecordRow, Columns: []string{"v"}, Values: []any{v}})
	j.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// rowBytes estimates the bytes a row adds to a reply, for MaxReplyBytes.
func rowBytes(row *query.Row) int {
	if row.Entry != nil {
		n := 64 + len(row.Entry.Message) + len(row.Entry.Job)
		for _, l := range row.Entry.Labels {
			n += len(l.Name) + len(l.Value) + 16
		}
		return n
	}
	n := 16
	for _, v := range row.Values {
		if s, ok := v.(string); ok {
			n += len(s)
		}
		n += 16
	}
	return n
}

// columnTypes names, per record column, the type of its values in a page,
// so that clients can turn the text of RESP back into them: int, float,
// time (TimeLayout), level or string. A column whose values are all nil is
// a string.
func columnTypes(cols []string, page []query.Row) []string {
	out := make([]string, len(cols))
	for i := range out {
		out[i] = "string"
	rows:
		for r := range page {
			if page[r].Kind != query.RecordRow || i >= len(page[r].Values) || page[r].Values[i] == nil {
				continue
			}
			switch page[r].Values[i].(type) {
			case int64:
				out[i] = "int"
			case float64:
				out[i] = "float"
			case time.Time:
				out[i] = "time"
			case engine.Level:
				out[i] = "level"
			}
			break rows
		}
	}
	return out
}
