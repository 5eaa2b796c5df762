package server

import (
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// QUERY runs a query in the filter language and answers one page of its
// rows with a cursor for the next; see queryCursor for how pages join up.

func init() {
	register(&command{
		name: "QUERY", arity: -2, run: cmdQuery,
		usage:   "QUERY filter [COUNT n] [CURSOR c] [FORMAT entry|full|raw|json] [TZ zone] [OVER lines|runs]",
		summary: "one page of a query's rows (quote the filter); CURSOR with filter - continues; OVER runs queries run records",
	})
}

// testHookQueryDone, if set, is called with the error of each QUERY's
// rows (see export_test.go).
var testHookQueryDone func(error)

// DefaultQueryCount is the rows of a QUERY page without COUNT.
const DefaultQueryCount = 1000

func cmdQuery(c *conn, args [][]byte) error {
	opts, err := options(args[2:], "COUNT", "CURSOR", "FORMAT", "TZ", "OVER")
	if err != nil {
		return err
	}
	text := string(args[1])
	cur := &queryCursor{query: text, tz: opts["TZ"], now: time.Now().UnixNano()}
	switch over := strings.ToLower(opts["OVER"]); over {
	case "", "lines":
	case "runs":
		cur.runs = true
	default:
		return errorf("OVER takes lines or runs, not %q", truncate(over, 32))
	}
	if s, ok := opts["CURSOR"]; ok {
		if cur, err = parseQueryCursor(s); err != nil {
			return codeError(codeBadCursor, "the cursor is not one QUERY returned")
		}
		if text != "-" && text != cur.query {
			return errorf("the cursor belongs to another query (pass the same filter, or -)")
		}
		if _, ok := opts["OVER"]; ok && (strings.EqualFold(opts["OVER"], "runs") != cur.runs) {
			return errorf("the cursor belongs to a query over %s", map[bool]string{true: "runs", false: "lines"}[cur.runs])
		}
	}
	count := int64(DefaultQueryCount)
	if v, ok := opts["COUNT"]; ok {
		if count, err = parseInt("COUNT", []byte(v)); err != nil {
			return err
		}
		if count < 1 || count > int64(c.srv.opts.MaxCount) {
			return errorf("COUNT must be from 1 to %d, not %d", c.srv.opts.MaxCount, count)
		}
	}
	f, err := parseFormat(opts["FORMAT"])
	if err != nil {
		return err
	}
	// The deadline is commandContext's, QueryTimeout.
	qopts := query.Options{Now: time.Unix(0, cur.now), Location: time.Local,
		Limits: query.Limits{MaxMemory: c.srv.opts.QueryMemory, Pool: c.srv.queries}}
	if cur.tz != "" {
		if qopts.Location, err = query.ParseZone(cur.tz); err != nil {
			return errorf("%v", err)
		}
	}
	q, err := query.Parse(cur.query)
	if err != nil {
		return err
	}
	ctx, done := c.commandContext()
	defer done()
	var (
		rows *query.Rows
		desc bool
	)
	if cur.runs {
		// Queries over runs give records; they resume by offset.
		rows, err = query.RunRuns(ctx, c.srv.db, q, qopts)
	} else {
		var plan *query.Plan
		if plan, err = query.NewPlan(q, qopts); err != nil {
			return err
		}
		// Rows in the engine's order can be resumed by position.
		cur.seek = plan.Columns == nil && len(plan.Pipes) == 0
		desc = plan.QueryOptions.Desc
		if cur.seek && cur.hasPos {
			tf := engine.TimeFilter{Since: cur.time}
			if desc {
				tf = engine.TimeFilter{Until: cur.time + 1}
			}
			plan.Filter = engine.And(plan.Filter, tf)
		}
		rows, err = plan.Run(ctx, c.srv.db)
	}
	if err != nil {
		if hook := testHookQueryDone; hook != nil {
			hook(err)
		}
		return err
	}
	defer rows.Close()
	var (
		page    []query.Row
		bytes   int
		more    bool
		skipped int64
	)
	for rows.Next() {
		row := rows.Row()
		switch {
		case cur.seek && cur.hasPos && !cur.after(row.Entry, desc):
			continue
		case !cur.seek && skipped < cur.offset:
			skipped++
			continue
		}
		if int64(len(page)) == count || bytes >= c.srv.opts.MaxReplyBytes {
			more = true
			break
		}
		bytes += rowBytes(row)
		page = append(page, copyRow(row))
	}
	if hook := testHookQueryDone; hook != nil {
		hook(rows.Err())
	}
	if err := rows.Err(); err != nil {
		return err
	}

	w := c.w
	w.Array(14)
	w.String("rows")
	w.Array(len(page))
	var j jsonRows
	for i := range page {
		writeRow(w, f, &page[i], &j)
	}
	w.String("columns")
	w.Strings(rows.Columns()...)
	w.String("types")
	w.Strings(columnTypes(rows.Columns(), page)...)
	w.String("count")
	w.Int(int64(len(page)))
	w.String("is_end")
	w.Bool(!more)
	w.String("cursor")
	if !more {
		w.Nil()
	} else {
		if cur.seek {
			last := page[len(page)-1].Entry
			cur.hasPos = true
			cur.time, cur.job, cur.att, cur.line = last.Time, last.Job, int64(last.Attempt), last.Line
		} else {
			cur.offset += int64(len(page))
		}
		w.String(cur.String())
	}
	w.String("tz")
	if cur.tz == "" {
		w.String(LocalZone())
	} else {
		w.String(rows.Location().String())
	}
	return nil
}

// after reports whether e comes after the cursor's position in the order
// of the query: (time, job, attempt, line), reversed when desc.
func (c *queryCursor) after(e *engine.Entry, desc bool) bool {
	cmp := cmpInt(e.Time, c.time)
	if cmp == 0 {
		cmp = strings.Compare(e.Job, c.job)
	}
	if cmp == 0 {
		cmp = cmpInt(int64(e.Attempt), c.att)
	}
	if cmp == 0 {
		cmp = cmpInt(e.Line, c.line)
	}
	if desc {
		return cmp < 0
	}
	return cmp > 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// copyRow copies what a row points to that the next Rows.Next may reuse.
func copyRow(r *query.Row) query.Row {
	out := *r
	if r.Entry != nil {
		e := *r.Entry
		out.Entry = &e
	}
	if r.Values != nil {
		out.Values = append([]any(nil), r.Values...)
	}
	return out
}
