package repl

import (
	"context"
	"errors"
	"math"
	"slices"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// Local is the Executor over a DB open in this process. It is safe for
// concurrent use, as the DB is.
type Local struct {
	db *engine.DB
}

var _ Executor = (*Local)(nil)

// NewLocal returns an Executor over db. It does not close db.
func NewLocal(db *engine.DB) *Local { return &Local{db: db} }

// Query implements Executor.
func (l *Local) Query(ctx context.Context, q *query.Query, opts query.Options) (Rows, error) {
	rows, err := query.Run(ctx, l.db, q, opts)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return rows, nil
}

// QueryRuns implements Executor.
func (l *Local) QueryRuns(ctx context.Context, q *query.Query, opts query.Options) (Rows, error) {
	rows, err := query.RunRuns(ctx, l.db, q, opts)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// ReadLines implements Executor.
func (l *Local) ReadLines(ctx context.Context, r engine.ReadRequest) (*engine.Page, error) {
	return l.db.ReadLines(ctx, r)
}

// Follow implements Executor.
func (l *Local) Follow(ctx context.Context, r engine.ReadRequest, fn func(*engine.Page) error) error {
	return l.db.Follow(ctx, r, fn)
}

// Run implements Executor.
func (l *Local) Run(ctx context.Context, job string, attempt int) (engine.RunInfo, error) {
	return l.db.Run(ctx, job, attempt)
}

// Runs implements Executor.
func (l *Local) Runs(ctx context.Context) ([]engine.RunInfo, error) { return l.db.Runs(ctx) }

// Stats implements Executor.
func (l *Local) Stats(ctx context.Context) (engine.Stats, error) { return l.db.Stats(ctx) }

// tailPage is how many lines Tail reads from a run at a time.
const tailPage = 1000

// Tail implements Executor. The engine follows one run at a time, so Tail
// keeps a cursor per run: it takes the line count of every run, shows the
// backlog from below those counts, and on each change (DB.Changes) reads
// the runs that grew from their cursors with the query's filter. Each wake
// reads every run's record once; an engine call that lists the runs changed
// since a sequence number would make that cheaper for stores with many runs.
func (l *Local) Tail(ctx context.Context, q *query.Query, opts query.Options, n int, fn func(*engine.Entry) error) error {
	if len(q.Pipes) > 0 {
		return errors.New("a live tail takes a filter without pipes")
	}
	plan, err := query.NewPlan(q, opts)
	if err != nil {
		return err
	}
	type runKey struct {
		job     string
		attempt int
	}
	type position struct {
		cursor string // empty: start at from
		from   int64
		lines  int64 // lines in the run when last read
	}
	// Take the channel before the snapshot: an append after it closes the
	// channel, so none is missed.
	changed := l.db.Changes()
	_, point := l.db.ChangedJobs(math.MaxUint64) // see engine.DB.ChangedJobs
	runs, err := l.db.Runs(ctx)
	if err != nil {
		return err
	}
	at := make(map[runKey]*position, len(runs))
	for _, r := range runs {
		at[runKey{r.Job, r.Attempt}] = &position{from: r.Lines + 1, lines: r.Lines}
	}
	if n > 0 {
		// The newest n matches below the snapshot; lines above it are
		// shown live.
		it, err := l.db.Query(ctx, plan.Filter, &engine.QueryOptions{Desc: true})
		if err != nil {
			return err
		}
		var back []engine.Entry
		for len(back) < n && it.Next() {
			e := it.Entry()
			if p := at[runKey{e.Job, e.Attempt}]; p != nil && e.Line < p.from {
				back = append(back, *e)
			}
		}
		if err := it.Close(); err != nil {
			return err
		}
		slices.Reverse(back)
		for i := range back {
			if err := fn(&back[i]); err != nil {
				return err
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
		// Only the runs of the jobs changed since the last look.
		changed = l.db.Changes()
		var runs []engine.RunInfo
		if runs, point, err = l.db.ChangedRuns(ctx, point); err != nil {
			return err
		}
		for _, r := range runs {
			k := runKey{r.Job, r.Attempt}
			p := at[k]
			if p == nil {
				p = &position{from: 1}
				at[k] = p
			}
			if r.Lines == p.lines {
				continue
			}
			for {
				req := engine.ReadRequest{Job: r.Job, Attempt: r.Attempt, From: p.from, Cursor: p.cursor, Count: tailPage, Filter: plan.Filter}
				page, err := l.db.ReadLines(ctx, req)
				if err != nil {
					return err
				}
				for i := range page.Entries {
					if err := fn(&page.Entries[i]); err != nil {
						return err
					}
				}
				p.cursor = page.Cursor
				if page.IsEnd {
					p.lines = page.LineCount
					break
				}
			}
		}
	}
}
