package query

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/logdb/logdb/engine"
)

// Source is what running a query needs from storage. *engine.DB satisfies
// it; servers may wrap one to add access control or metrics.
type Source interface {
	// Query returns the entries matching f in the engine's order.
	Query(ctx context.Context, f engine.Filter, opts *engine.QueryOptions) (*engine.Iterator, error)
	// ReadLines returns a range of one run's lines (for "| context").
	ReadLines(ctx context.Context, r engine.ReadRequest) (*engine.Page, error)
}

// RowKind says what a Row holds.
type RowKind uint8

const (
	// EntryRow is a log line: Row.Entry is set.
	EntryRow RowKind = iota + 1
	// RecordRow is a record of named columns, from "| count" or
	// "| fields": Row.Columns and Row.Values are set.
	RecordRow
	// SeparatorRow separates two groups of lines of "| context", where
	// grep -C prints "--".
	SeparatorRow
)

func (k RowKind) String() string {
	switch k {
	case EntryRow:
		return "entry"
	case RecordRow:
		return "record"
	case SeparatorRow:
		return "separator"
	}
	return fmt.Sprintf("RowKind(%d)", uint8(k))
}

// A Row is one result of a query.
//
// A Row and everything it points to are valid only until the next call to
// Rows.Next; copy what you keep.
type Row struct {
	Kind RowKind

	// Entry is the log line of an EntryRow. Callers must not modify it.
	Entry *engine.Entry

	// Context reports, for an EntryRow from "| context", that the line was
	// read for context and is not itself a hit (grep prints it with '-'
	// instead of ':').
	Context bool

	// Columns names the values of a RecordRow. All records of one Rows
	// share the same Columns (Rows.Columns).
	Columns []string

	// Values are the values of a RecordRow, one per column. Each is one of:
	// string (job, msg, labels), int64 (attempt, line, count), time.Time
	// (time, in the query's zone) or engine.Level (level).
	Values []any
}

// Rows iterates over the results of a query, in the way of sql.Rows:
//
//	rows, err := query.Run(ctx, db, q, query.Options{})
//	if err != nil { … }
//	defer rows.Close()
//	for rows.Next() {
//		row := rows.Row()
//		…
//	}
//	if err := rows.Err(); err != nil { … }
//
// Next returns false when the results are exhausted or an error occurred,
// including cancellation of the context passed to Run; Err then tells which.
// Close releases the engine iterator and may be called at any time, more
// than once. Rows is not safe for concurrent use.
type Rows struct {
	ctx     context.Context
	st      stage
	row     *Row
	err     error
	done    bool
	columns []string
	loc     *time.Location

	mem      *memBudget         // what the stages hold
	stop     context.CancelFunc // ends ctx: the timer of Limits.Timeout
	deadline bool               // ctx has a deadline …
	after    time.Duration      // … after this long
}

// newRows returns the Rows of a run under l that starts now, without its
// stages yet, and the context the run works under: ctx, ended after
// l.Timeout if that is set.
func newRows(ctx context.Context, l Limits, columns []string, loc *time.Location) (*Rows, context.Context) {
	r := &Rows{columns: columns, loc: loc, mem: newMemBudget(l), stop: func() {}}
	if dl, ok := ctx.Deadline(); ok {
		r.deadline, r.after = true, max(time.Until(dl), 0)
	}
	if l.Timeout > 0 && (!r.deadline || l.Timeout < r.after) {
		ctx, r.stop = context.WithTimeoutCause(ctx, l.Timeout, &TimeoutError{After: l.Timeout})
		r.deadline, r.after = true, l.Timeout
	}
	r.ctx = ctx
	return r, ctx
}

// Next advances to the next row and reports whether there is one.
func (r *Rows) Next() bool {
	if r.done {
		return false
	}
	if err := r.ctx.Err(); err != nil {
		r.fail(err)
		return false
	}
	if !r.st.next(r.ctx) {
		r.fail(r.st.err())
		return false
	}
	r.row = r.st.row()
	return true
}

func (r *Rows) fail(err error) {
	if r.err == nil {
		r.err = r.timedOut(err)
	}
	r.done = true
	r.row = nil
	if cerr := r.st.close(); r.err == nil {
		r.err = cerr
	}
	r.end()
}

// end gives back the run's memory and stops its timer.
func (r *Rows) end() {
	r.mem.release()
	r.stop()
}

// abort ends a run that failed to start with err, and returns err as Run
// reports it.
func (r *Rows) abort(err error) error {
	r.end()
	return r.timedOut(err)
}

// timedOut returns err as a *TimeoutError if it comes from the run's
// deadline passing: the cause of the context's end if that is one (as
// Limits.Timeout makes, and callers may), else one with the time there was
// until the deadline when the run started.
func (r *Rows) timedOut(err error) error {
	var te *TimeoutError
	if !r.deadline || !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
		return err
	}
	if errors.As(context.Cause(r.ctx), &te) {
		return te
	}
	return &TimeoutError{After: r.after}
}

// Row returns the current row; see Row for how long it stays valid.
func (r *Rows) Row() *Row { return r.row }

// Err returns the error that stopped Next, if any.
func (r *Rows) Err() error { return r.err }

// Close stops the query and releases its resources. It returns Err.
func (r *Rows) Close() error {
	if !r.done {
		r.done = true
		r.row = nil
		if err := r.st.close(); r.err == nil {
			r.err = err
		}
		r.end()
	}
	return r.err
}

// Columns returns the record columns, or nil if the rows are log entries.
func (r *Rows) Columns() []string { return r.columns }

// Location returns the query's zone (tz= or Options.Location), for showing
// times.
func (r *Rows) Location() *time.Location { return r.loc }

// Run plans q and runs it against src. See NewPlan and Plan.Run.
func Run(ctx context.Context, src Source, q *Query, opts Options) (*Rows, error) {
	p, err := NewPlan(q, opts)
	if err != nil {
		return nil, err
	}
	return p.Run(ctx, src)
}

// Run starts the plan against src and returns its rows. The engine query
// starts at once, so errors such as a closed DB come back here; rows are
// then produced as Rows.Next asks for them. Pipes that need all rows first
// (sort, count) read them on the first Next. ctx bounds the whole run,
// including later calls to Next, as do the plan's Limits.
func (p *Plan) Run(ctx context.Context, src Source) (*Rows, error) {
	r, ctx := newRows(ctx, p.Limits, p.Columns, p.Location)
	if st, ok, err := p.runCounted(ctx, src, r.mem); ok || err != nil {
		if err != nil {
			return nil, r.abort(fmt.Errorf("cannot run query: %w", err))
		}
		r.st = st
		return r, nil
	}
	qo := p.QueryOptions
	qo.Unordered = qo.Limit == 0 && orderFree(p.Pipes)
	it, err := src.Query(ctx, p.Filter, &qo)
	if err != nil {
		return nil, r.abort(fmt.Errorf("cannot run query: %w", err))
	}
	st, err := p.stages(newSourceStage(it), src, r.mem)
	if err != nil {
		it.Close()
		return nil, r.abort(err)
	}
	r.st = st
	return r, nil
}

// A Counter counts the entries matching a filter, in total or by run and
// level, without returning them. *engine.DB is one; Plan.Run uses it for a
// query whose first pipe is "count", or "count by" any of job, attempt and
// level.
type Counter interface {
	Count(ctx context.Context, f engine.Filter) (int64, error)
	CountByRun(ctx context.Context, f engine.Filter) ([]engine.RunCount, error)
}

// runCounted runs the plan with src's Counter if it can: when the first
// pipe is a count it can do (or a stats of count() alone by such fields)
// and nothing was pushed down before it.
func (p *Plan) runCounted(ctx context.Context, src Source, mem *memBudget) (stage, bool, error) {
	c, ok := src.(Counter)
	if !ok || len(p.Pipes) == 0 || p.QueryOptions.Limit > 0 {
		return nil, false, nil
	}
	cp, ok := p.Pipes[0].(*CountPipe)
	stats, isStats := p.Pipes[0].(*StatsPipe)
	if h, ok := p.Pipes[0].(*HistogramPipe); ok {
		stats = &StatsPipe{By: []ByField{{Name: colUnderscoreTime, Bucket: h.Step}}, Funcs: []StatsFunc{{Name: "count"}}, Pos: h.Pos}
		isStats = true
	}
	if tc, can := src.(TimeCounter); can && isStats && timeCounted(stats) {
		return p.runTimeCounted(ctx, src, tc, stats, mem)
	}
	if isStats {
		cp, ok = countedStats(stats)
	}
	if !ok || !countedFields(cp.By) {
		return nil, false, nil
	}
	var runs []engine.RunCount
	var err error
	if len(cp.By) == 0 {
		var n int64
		n, err = c.Count(ctx, p.Filter)
		runs = []engine.RunCount{{Levels: [engine.NumLevels]int64{n}}}
	} else {
		runs, err = c.CountByRun(ctx, p.Filter)
	}
	stop, damage := gathered(err)
	if stop != nil {
		return nil, true, stop
	}
	cs, err := newCountedStage(ctx, cp, p.Location, mem, runs, damage)
	if err != nil {
		return nil, true, err
	}
	var st stage = cs
	if isStats {
		st = statsOrder(cs, stats, mem)
	}
	st, err = p.stagesFrom(st, src, 1, cs.columns, mem)
	return st, true, err
}

// stages chains the plan's pipes onto in, accounting their memory in mem.
func (p *Plan) stages(in stage, src Source, mem *memBudget) (stage, error) {
	return p.stagesFrom(in, src, 0, nil, mem)
}

// stagesFrom chains the plan's pipes from the first-th onto in, whose rows
// are records of cols (nil: entries).
func (p *Plan) stagesFrom(in stage, src Source, first int, cols []string, mem *memBudget) (stage, error) {
	st := in
	for i := first; i < len(p.Pipes); i++ {
		switch pipe := p.Pipes[i].(type) {
		case *SortPipe:
			st = newSortStage(st, pipe, cols, mem)
		case *OffsetPipe:
			st = newLimitStage(st, pipe.N, -1)
		case *LimitPipe:
			st = newLimitStage(st, 0, pipe.N)
		case *CountPipe:
			c := newCountStage(st, pipe, cols, p.Location, mem)
			st, cols = c, c.columns
		case *FieldsPipe:
			f := newFieldsStage(st, pipe.Fields, cols, p.Location)
			st, cols = f, f.columns
		case *ContextPipe:
			st = newContextStage(st, src, pipe, mem)
		default:
			var err error
			if st, cols, err = p.questionStage(st, pipe, cols, mem); err != nil {
				st.close()
				return nil, err
			}
		}
	}
	return st, nil
}
