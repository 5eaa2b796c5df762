package repl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

// keepRows is the most rows a result keeps for \detail, \context and
// \export when MaxRows does not bound it (scripts). Beyond it, rows are
// printed but not kept, and \export runs the query again.
const keepRows = 10000

// A result is what the last query or \read showed, kept for \detail,
// \context and \export.
type result struct {
	rows []query.Row // copies; entries are numbered 1, 2 … in order
	// complete says rows hold the whole result. When MaxRows or keepRows
	// cut it, \export runs q again with opts.
	complete bool
	q        *query.Query  // nil for \read
	opts     query.Options // with Now fixed
	rerun    func(context.Context, *query.Query, query.Options) (Rows, error)
	loc      *time.Location
	entries  int  // entry rows in rows
	shown    int  // rows shown, kept or not
	cut      bool // the row limit stopped the query: more rows matched
}

// add copies row into r (if it has room) and returns the copy, which stays
// valid.
func (r *result) add(row *query.Row) *query.Row {
	c := *row
	switch row.Kind {
	case query.EntryRow:
		e := *row.Entry
		c.Entry = &e
	case query.RecordRow:
		c.Values = append([]any(nil), row.Values...)
		if len(r.rows) > 0 {
			c.Columns = r.rows[0].Columns
		} else {
			c.Columns = append([]string(nil), row.Columns...)
		}
	}
	if len(r.rows) < keepRows {
		r.rows = append(r.rows, c)
		if c.Kind == query.EntryRow {
			r.entries++
		}
		return &r.rows[len(r.rows)-1]
	}
	r.complete = false
	return &c
}

// entry returns the line numbered n (from 1) in r.
func (r *result) entry(n int) (*engine.Entry, error) {
	if r == nil {
		return nil, fmt.Errorf("no result yet: run a query or \\read first")
	}
	if r.entries == 0 {
		return nil, fmt.Errorf("the last result has no lines")
	}
	if n < 1 || n > r.entries {
		return nil, fmt.Errorf("no line #%d in the last result (it has %d)", n, r.entries)
	}
	k := 0
	for i := range r.rows {
		if r.rows[i].Kind == query.EntryRow {
			if k++; k == n {
				return r.rows[i].Entry, nil
			}
		}
	}
	panic("repl: BUG: entry count")
}

// runQuery runs a query and shows its rows in the current format. On a
// terminal the output is gathered first, to be paged when long; scripts
// get it as it comes.
func (s *Shell) runQuery(ctx context.Context, src string) error {
	q, err := query.Parse(src)
	if err != nil {
		return err
	}
	start := time.Now()
	res, buf, err := s.collect(ctx, q, s.queryOptions(), s.MaxRows, !s.TTY)
	if err != nil {
		return err
	}
	s.last = res
	if !s.TTY {
		return nil
	}
	s.footer(buf, res, start)
	return s.show(buf.Bytes())
}

// footer notes how many rows a result has and how long it took: "(3 rows
// · 2ms)", as psql does.
func (s *Shell) footer(buf *bytes.Buffer, res *result, start time.Time) {
	rows := res.shown
	noun := "rows"
	if rows == 1 {
		noun = "row"
	}
	elapsed := took(time.Since(start))
	if res.cut {
		fmt.Fprintln(buf, s.dim(fmt.Sprintf("(%d %s shown, more matched: \\maxrows to show more, \\export FILE for all · %s)", rows, noun, elapsed)))
	} else {
		fmt.Fprintln(buf, s.dim(fmt.Sprintf("(%d %s · %s)", rows, noun, elapsed)))
	}
}

// took shows how long a command took, to two or three digits.
func took(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond))
	}
	return d.Round(10 * time.Millisecond).String()
}

// collect runs q and writes up to limit rows (0 or less: all) in the
// current format, to s.out if direct, else into the returned buffer. It
// keeps the rows in a result.
func (s *Shell) collect(ctx context.Context, q *query.Query, opts query.Options, limit int, direct bool) (*result, *bytes.Buffer, error) {
	return s.collectRows(ctx, q, opts, limit, sinkOptions{format: s.Format, stream: direct, context: q.HasContext()}, s.exec.Query)
}

// collectRows is collect with the rows from run (Executor.Query or
// QueryRuns) written as so says; so.stream means directly to s.out. The
// zone is the rows'.
func (s *Shell) collectRows(ctx context.Context, q *query.Query, opts query.Options, limit int, so sinkOptions,
	run func(context.Context, *query.Query, query.Options) (Rows, error)) (*result, *bytes.Buffer, error) {
	rows, err := run(ctx, q, opts)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	res := &result{q: q, opts: opts, rerun: run, loc: rows.Location(), complete: true}
	buf := new(bytes.Buffer)
	var w io.Writer = buf
	if so.stream {
		w = s.out
	}
	so.loc = res.loc
	sk, err := s.newSink(w, so)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		if limit > 0 && res.shown == limit {
			res.complete, res.cut = false, true
			break
		}
		row := res.add(rows.Row())
		s.known.learn(row)
		if err := sk.write(row); err != nil {
			return nil, nil, err
		}
		res.shown++
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if err := sk.flush(); err != nil {
		return nil, nil, err
	}
	return res, buf, nil
}

// A sink writes rows in one format.
type sink interface {
	write(row *query.Row) error
	flush() error
}

// sinkOptions say how a sink writes.
type sinkOptions struct {
	format string
	loc    *time.Location
	// stream: the output goes straight to a script's output or a file, so
	// a table writes a block every thousand rows instead of holding all.
	stream bool
	// file: no colours, no cutting to the terminal's width.
	file bool
	// unnumbered: no # column (for lines that are not the last result).
	unnumbered bool
	// dropEmpty: no columns of records that are empty in every row.
	dropEmpty bool
	// context: the rows come from "| context N" (output.Options.Context).
	context bool
}

// newSink returns a sink writing rows on w as o says.
func (s *Shell) newSink(w io.Writer, o sinkOptions) (sink, error) {
	if o.format == "table" {
		t := &tableSink{s: s, w: w, loc: o.loc, width: s.width(), color: s.Color, unnumbered: o.unnumbered, dropEmpty: o.dropEmpty}
		if o.stream {
			t.every = 1000
		}
		if o.file {
			t.width, t.color = 0, false
		}
		return t, nil
	}
	ow, err := output.New(w, output.Options{Format: o.format, Location: o.loc, Context: o.context})
	if err != nil {
		return nil, err
	}
	return outputSink{ow}, nil
}

// outputSink writes raw, json and csv with package output, as logdb query
// does.
type outputSink struct{ w output.Writer }

func (o outputSink) write(row *query.Row) error { return o.w.Write(row) }
func (o outputSink) flush() error               { return o.w.Flush() }

// tableSink writes aligned tables: lines under the \columns with a #
// column numbering them for \detail (and a > marking hits among context
// lines), records under their own columns.
type tableSink struct {
	s     *Shell
	w     io.Writer
	loc   *time.Location
	width int
	color bool
	every int // flush after this many rows; 0: at the end only

	unnumbered bool // no # column
	dropEmpty  bool // leave out empty columns of records

	n       int // lines numbered so far
	rows    [][]cell
	records []string // the columns of records, nil for lines
	right   []bool   // of records
	context bool     // some line is a context line
}

// tableLayout is how tables show times: to the millisecond.
const tableLayout = "2006-01-02 15:04:05.000"

func (t *tableSink) write(row *query.Row) error {
	switch row.Kind {
	case query.SeparatorRow:
		t.rows = append(t.rows, nil)
	case query.EntryRow:
		t.n++
		t.context = t.context || row.Context
		mark := ">"
		if row.Context {
			mark = ""
		}
		cells := append([]cell{{text: strconv.Itoa(t.n)}, {text: mark}}, t.s.entryCells(row.Entry, t.loc)...)
		if row.Context {
			for i := range cells[2:] {
				if cells[2+i].color == "" {
					cells[2+i].color = sgrDim
				}
			}
		}
		t.rows = append(t.rows, cells)
	case query.RecordRow:
		if t.records == nil {
			t.records = row.Columns
			for _, v := range row.Values {
				_, i := v.(int64)
				_, f := v.(float64)
				t.right = append(t.right, i || f)
			}
		}
		cells := make([]cell, len(row.Values))
		for i, v := range row.Values {
			name := ""
			if i < len(row.Columns) {
				name = row.Columns[i]
			}
			cells[i] = recordCell(name, v)
			if st, ok := v.(string); ok && i < len(row.Columns) && row.Columns[i] == "status" {
				if rs, ok := engine.ParseRunStatus(st); ok {
					cells[i].color = statusColor(rs)
				}
			}
		}
		t.rows = append(t.rows, cells)
	}
	if t.every > 0 && len(t.rows) >= t.every {
		return t.flush()
	}
	return nil
}

func (t *tableSink) flush() error {
	if len(t.rows) == 0 {
		return nil
	}
	g := grid{rows: t.rows, dropEmpty: t.dropEmpty && t.records != nil}
	if t.records != nil {
		for _, c := range t.records {
			g.header = append(g.header, strings.ToUpper(c))
		}
		g.right = t.right
	} else {
		g.header = append([]string{"#", ""}, columnHeaders(t.s.columns)...)
		g.right = append([]bool{true, false}, columnRight(t.s.columns)...)
		// Drop the # column when unnumbered, the mark column when no
		// line is a context line.
		keep := func(i int) bool { return i == 0 && !t.unnumbered || i == 1 && t.context || i > 1 }
		g.header, g.right = filterCols(g.header, keep), filterCols(g.right, keep)
		for i, r := range g.rows {
			if r != nil {
				g.rows[i] = filterCols(r, keep)
			}
		}
	}
	err := g.write(t.w, t.width, t.color)
	t.rows = nil
	return err
}

// filterCols returns the elements of xs whose index keep accepts.
func filterCols[T any](xs []T, keep func(int) bool) []T {
	out := make([]T, 0, len(xs))
	for i, x := range xs {
		if keep(i) {
			out = append(out, x)
		}
	}
	return out
}

// recordCell shows a value of column name of a record ("| count",
// "| fields", runs). The times of runs show to the second, their durations
// (milliseconds) and memory (bytes) as people write them.
func recordCell(name string, v any) cell {
	switch name {
	case "start", "end", "trigger":
		if t, ok := v.(time.Time); ok {
			return cell{text: t.Format("2006-01-02 15:04:05")}
		}
	case "memory":
		if n, ok := v.(int64); ok && n == 0 {
			return cell{} // unknown
		}
	}
	if h, ok := output.RunValue(name, v); ok {
		return cell{text: h}
	}
	switch x := v.(type) {
	case string:
		return cell{text: output.Escape(x)}
	case int64:
		return cell{text: strconv.FormatInt(x, 10)}
	case float64:
		return cell{text: strconv.FormatFloat(x, 'f', -1, 64)}
	case engine.Level:
		return cell{text: x.String(), color: levelColor(x)}
	case time.Time:
		return cell{text: x.Format(tableLayout)}
	case nil:
		return cell{}
	}
	return cell{text: output.Escape(fmt.Sprint(v))}
}
