package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
	"github.com/logdb/logdb/repl"
	"github.com/logdb/logdb/server"
)

// remoteExecutor runs the shell's statements on a logdb server through
// package client: logdb --server ADDR repl. Queries travel as
// q.String(), which parses back to the same query.
type remoteExecutor struct {
	c *client.Client
}

var _ repl.Executor = (*remoteExecutor)(nil)

// zoneName names a zone so that the server reads it back (query.ParseZone).
func zoneName(loc *time.Location) string {
	if loc == nil || loc == time.Local {
		return server.LocalZone()
	}
	return loc.String()
}

func (x *remoteExecutor) Query(ctx context.Context, q *query.Query, opts query.Options) (repl.Rows, error) {
	rows, err := x.c.Query(ctx, q.String(), client.QueryOptions{PageSize: 10000, TZ: zoneName(opts.Location)})
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return rows, nil
}

func (x *remoteExecutor) QueryRuns(ctx context.Context, q *query.Query, opts query.Options) (repl.Rows, error) {
	rows, err := x.c.Query(ctx, q.String(), client.QueryOptions{PageSize: 10000, TZ: zoneName(opts.Location), Runs: true})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (x *remoteExecutor) ReadLines(ctx context.Context, r engine.ReadRequest) (*engine.Page, error) {
	return x.c.Read(ctx, r)
}

// Follow passes each line on as a page of one; the last page carries the
// run's final state.
func (x *remoteExecutor) Follow(ctx context.Context, r engine.ReadRequest, fn func(*engine.Page) error) error {
	f, err := x.c.Follow(ctx, r)
	if err != nil {
		return err
	}
	defer f.Close()
	for f.Next() {
		e := f.Entry()
		if err := fn(&engine.Page{Entries: []engine.Entry{*e}, Job: e.Job, Attempt: e.Attempt, Status: engine.Running}); err != nil {
			return err
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	end := f.End()
	if end == nil {
		return fmt.Errorf("the follow of %s ended early", r.Job)
	}
	return fn(&engine.Page{Job: end.Job, Attempt: end.Attempt, LineCount: end.LineCount, Bytes: end.Bytes,
		FirstTime: end.FirstTime, LastTime: end.LastTime, Status: end.Status, EndTime: end.EndTime, IsEnd: true, Cursor: end.Cursor})
}

// Tail subscribes to the query first, then reads the last n matching lines
// stored; the live lines that the backlog already showed (a run's lines up
// to the last one shown) are skipped, so none is missed or repeated.
func (x *remoteExecutor) Tail(ctx context.Context, q *query.Query, opts query.Options, n int, fn func(*engine.Entry) error) error {
	if len(q.Pipes) > 0 {
		return fmt.Errorf("a live tail takes a filter without pipes")
	}
	f, err := x.c.FollowQuery(ctx, q.String())
	if err != nil {
		return err
	}
	defer f.Close()
	type runKey struct {
		job     string
		attempt int
	}
	shown := map[runKey]int64{}
	if n > 0 {
		rows, err := x.c.Query(ctx, fmt.Sprintf("%s | sort by time desc | limit %d", q.String(), n), client.QueryOptions{PageSize: n, TZ: zoneName(opts.Location)})
		if err != nil {
			return err
		}
		var backlog []engine.Entry
		for rows.Next() {
			backlog = append(backlog, *rows.Row().Entry)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		slices.Reverse(backlog)
		for i := range backlog {
			e := &backlog[i]
			k := runKey{e.Job, e.Attempt}
			shown[k] = max(shown[k], e.Line)
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	for f.Next() {
		e := f.Entry()
		if e.Line <= shown[runKey{e.Job, e.Attempt}] {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return f.Err()
}

func (x *remoteExecutor) Run(ctx context.Context, job string, attempt int) (engine.RunInfo, error) {
	return x.c.Run(ctx, job, attempt)
}

func (x *remoteExecutor) Runs(ctx context.Context) ([]engine.RunInfo, error) { return x.c.Runs(ctx) }

func (x *remoteExecutor) Stats(ctx context.Context) (engine.Stats, error) { return x.c.Stats(ctx) }
