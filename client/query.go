package client

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// QueryOptions tune Query.
type QueryOptions struct {
	// PageSize is the rows fetched per request (QUERY … COUNT). Default
	// 1000.
	PageSize int

	// TZ is the zone of wall-clock times and calendar ranges in the query
	// unless it sets tz= (the TZ option), as query.ParseZone reads it.
	// Default: the server's zone.
	TZ string

	// Runs queries the runs' records instead of their lines (QUERY …
	// OVER runs), as query.RunRuns does: the rows are records.
	Runs bool
}

// Query runs a query in the filter language on the server and returns its
// rows, fetching them a page at a time as Next asks for them; the pages
// join up through the server's cursor (see package server). Rows yields
// query.Row values like query.Run's, so package output writes them.
func (c *Client) Query(ctx context.Context, q string, opts QueryOptions) (*Rows, error) {
	if opts.PageSize <= 0 {
		opts.PageSize = 1000
	}
	r := &Rows{c: c, ctx: ctx, q: q, opts: opts, loc: time.Local}
	// The first page now, so that errors (a bad query) come back here.
	if err := r.fetch(); err != nil {
		return nil, queryError(q, err)
	}
	return r, nil
}

// posMsg is the server's report of an error in a query: "line:column: msg".
var posMsg = regexp.MustCompile(`^(\d+):(\d+): (.*)$`)

// queryError returns the server's report of an error at a position in q as
// the *query.ParseError that query.Parse or query.Run would have returned
// here, so that it prints with the query and a caret under the position.
// Other errors are returned as they are.
func queryError(q string, err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Code != "ERR" {
		return err
	}
	m := posMsg.FindStringSubmatch(e.Msg)
	if m == nil {
		return err
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	// The offset of line:column, columns counted in runes.
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(q[off:], '\n')
		if i < 0 {
			return err
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(q); c++ {
		_, size := utf8.DecodeRuneInString(q[off:])
		off += size
	}
	return &query.ParseError{Pos: query.Position{Offset: off, Line: line, Column: col}, Msg: m[3], Query: q}
}

// Rows iterates over the results of Query, like query.Rows:
//
//	rows, err := c.Query(ctx, `level>=Warn timeout`, client.QueryOptions{})
//	if err != nil { … }
//	defer rows.Close()
//	for rows.Next() {
//		row := rows.Row()
//		…
//	}
//	if err := rows.Err(); err != nil { … }
//
// A Row is valid until the next call to Next. Rows is not safe for
// concurrent use.
type Rows struct {
	c    *Client
	ctx  context.Context
	q    string
	opts QueryOptions

	page    []query.Row
	i       int
	cursor  string // "" when the last page is read
	columns []string
	types   []string // per column: int, float, time, level or string
	loc     *time.Location
	row     *query.Row
	err     error
	done    bool
}

// fetch reads the next page.
func (r *Rows) fetch() error {
	args := []string{"QUERY", r.q, "COUNT", strconv.Itoa(r.opts.PageSize), "FORMAT", "full"}
	if r.cursor != "" {
		args = []string{"QUERY", "-", "CURSOR", r.cursor, "COUNT", strconv.Itoa(r.opts.PageSize), "FORMAT", "full"}
	} else if r.opts.TZ != "" {
		args = append(args, "TZ", r.opts.TZ)
	}
	if r.opts.Runs {
		args = append(args, "OVER", "runs")
	}
	v, err := r.c.Do(r.ctx, args...)
	if err != nil {
		return err
	}
	m, err := fields(v)
	if err != nil {
		return err
	}
	cols, _ := m["columns"].([]any)
	r.columns = nil
	for _, c := range cols {
		r.columns = append(r.columns, str(c))
	}
	types, _ := m["types"].([]any)
	r.types = r.types[:0]
	for _, t := range types {
		r.types = append(r.types, str(t))
	}
	if tz := str(m["tz"]); tz != "" {
		if loc, err := query.ParseZone(tz); err == nil {
			r.loc = loc
		}
	}
	rows, _ := m["rows"].([]any)
	r.page, r.i = r.page[:0], 0
	for _, x := range rows {
		row, err := r.decode(x)
		if err != nil {
			return err
		}
		r.page = append(r.page, row)
	}
	r.cursor = str(m["cursor"])
	return nil
}

// decode turns a row of the full format into a query.Row.
func (r *Rows) decode(x any) (query.Row, error) {
	if x == nil {
		return query.Row{Kind: query.SeparatorRow}, nil
	}
	a, ok := x.([]any)
	if !ok {
		return query.Row{}, fmt.Errorf("%w: QUERY row %T", ErrProtocol, x)
	}
	if r.columns != nil {
		vals := make([]any, len(a))
		for i, v := range a {
			vals[i] = v
			s, ok := v.(string)
			if !ok || i >= len(r.types) {
				continue
			}
			switch r.types[i] {
			case "time":
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					vals[i] = t.In(r.loc)
				}
			case "level":
				vals[i], _ = engine.ParseLevel(s)
			case "float":
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					vals[i] = f
				}
			}
		}
		return query.Row{Kind: query.RecordRow, Columns: r.columns, Values: vals}, nil
	}
	if len(a) < 8 {
		return query.Row{}, fmt.Errorf("%w: QUERY entry of %d fields", ErrProtocol, len(a))
	}
	lvl, _ := engine.ParseLevel(str(a[4]))
	e := &engine.Entry{
		Time: unixTime(a[0]), Job: str(a[1]), Attempt: int(num(a[2])), Line: num(a[3]),
		Level: lvl, Message: str(a[5]), Labels: labels(a[6], a[8:]),
	}
	return query.Row{Kind: query.EntryRow, Entry: e, Context: num(a[7]) == 1}, nil
}

// Next advances to the next row, fetching the next page when needed, and
// reports whether there is one.
func (r *Rows) Next() bool {
	if r.done {
		return false
	}
	for r.i >= len(r.page) {
		if r.cursor == "" {
			r.done = true
			return false
		}
		if err := r.fetch(); err != nil {
			r.err, r.done = err, true
			return false
		}
	}
	r.row = &r.page[r.i]
	r.i++
	return true
}

// Row returns the current row.
func (r *Rows) Row() *query.Row { return r.row }

// Err returns the error that stopped Next, if any.
func (r *Rows) Err() error { return r.err }

// Close stops the iteration. It returns Err.
func (r *Rows) Close() error {
	r.done = true
	return r.err
}

// Columns returns the record columns, or nil if the rows are log entries.
func (r *Rows) Columns() []string { return r.columns }

// Location returns the query's zone, as the server resolved it, for
// showing times.
func (r *Rows) Location() *time.Location { return r.loc }
