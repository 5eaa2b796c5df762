package query

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
)

// A query over runs uses the filter language on run records instead of
// lines: "status=failed since=-1d flow=etl-* | sort by duration desc | limit 20".
// Its fields are the run's columns below and its labels; since, until and
// during bound the run's start. "HAVING filter" keeps the runs with a line
// matching filter, and adds the number of such lines as the column "hits".
// Words, phrases and regular expressions belong to lines, so they go after
// HAVING. Without a sort pipe, runs come newest first.

// The columns of a run row. Times are time.Time in the query's zone (nil
// when unknown); duration is float64 milliseconds to the microsecond, billed
// whole milliseconds, memory bytes, as in the function-log API.
const (
	colRunJob      = "job"
	colRunAttempt  = "attempt"
	colRunKind     = "kind"
	colRunStatus   = "status"
	colRunStart    = "start"
	colRunEnd      = "end"
	colRunTrigger  = "trigger"
	colRunDuration = "duration"
	colRunBilled   = "billed"
	colRunMemory   = "memory"
	colRunExit     = "exit"
	colRunMessage  = "message"
	colRunLines    = "lines"
	colRunBytes    = "bytes"
	colRunErrors   = "errors"
	colRunWarnings = "warnings"
	colRunPinned   = "pinned"
	colRunHits     = "hits"
)

// RunColumns are the columns of the rows of a query over runs, before any
// pipe; labels can be named too (fields, sort by, count by).
var RunColumns = []string{colRunJob, colRunAttempt, colRunKind, colRunStatus, colRunStart, colRunEnd,
	colRunDuration, colRunBilled, colRunMemory, colRunExit, colRunMessage, colRunLines, colRunErrors}

// IsRunField reports whether name is a field of a run row rather than one
// of its labels: a column of RunColumns, trigger, bytes, warnings, pinned,
// hits, or the count of "| count".
func IsRunField(name string) bool {
	switch name {
	case colRunTrigger, colRunBytes, colRunWarnings, colRunPinned, colRunHits, colCount:
		return true
	}
	return slices.Contains(RunColumns, name)
}

// A RunSource is what a query over runs needs. *engine.DB is one.
type RunSource interface {
	Source
	Runs(ctx context.Context) ([]engine.RunInfo, error)
	CountByRun(ctx context.Context, f engine.Filter) ([]engine.RunCount, error)
}

// RunRuns runs q over the runs of src and returns one record per run (or
// whatever its pipes make of them), within opts.Limits.
func RunRuns(ctx context.Context, src RunSource, q *Query, opts Options) (*Rows, error) {
	r, ctx := newRows(ctx, opts.Limits, nil, opts.Location)
	if err := runRuns(ctx, src, q, opts, r); err != nil {
		return nil, r.abort(err)
	}
	return r, nil
}

// runRuns is RunRuns: it gives r its stages, columns and zone.
func runRuns(ctx context.Context, src RunSource, q *Query, opts Options, r *Rows) error {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	text := q.source()
	if err := validate(text, q); err != nil {
		return err
	}
	if tz := findTZ(q.Filter); tz != nil {
		loc, err := ParseZone(tz.Value)
		if err != nil {
			return err
		}
		opts.Location = loc
	}
	l := &lowerer{now: opts.Now, loc: opts.Location}
	keep := func(*engine.RunInfo, map[string]int) bool { return true }
	if q.Filter != nil {
		var err error
		if keep, err = runPredicate(l, text, q.Filter); err != nil {
			return err
		}
	}
	// A filter on one job, the console's "its attempts", reads only that
	// job's runs where the source can list them.
	job, oneJob := exactJob(q.Filter)
	var runs []engine.RunInfo
	var err error
	if js, ok := src.(jobRunSource); ok && oneJob {
		runs, err = js.JobRuns(ctx, job)
	} else {
		runs, err = src.Runs(ctx)
	}
	if err != nil {
		return fmt.Errorf("cannot list runs: %w", err)
	}
	// Only attempt=latest and attempt=-N need each job's latest attempt.
	var latest map[string]int
	if mentions(q.Filter, fieldAttempt) {
		latest = map[string]int{}
		for _, r := range runs {
			latest[r.Job] = max(latest[r.Job], r.Attempt)
		}
	}
	var hits map[runKey]int64
	if q.Having != nil {
		f, err := l.filter(q.Having.X)
		if err != nil {
			return err
		}
		if oneJob {
			f = engine.And(f, engine.Job(job))
		}
		counts, err := src.CountByRun(ctx, f)
		if err != nil {
			return fmt.Errorf("cannot run HAVING: %w", err)
		}
		hits = map[runKey]int64{}
		for _, c := range counts {
			var n int64
			for _, x := range c.Levels {
				n += x
			}
			hits[runKey{c.Job, c.Attempt}] = n
		}
	}
	// The runs kept are sorted by pointer: a RunInfo is some 250 bytes.
	var kept []*engine.RunInfo
	for i := range runs {
		r := &runs[i]
		if !keep(r, latest) {
			continue
		}
		if hits != nil && hits[runKey{r.Job, r.Attempt}] == 0 {
			continue
		}
		kept = append(kept, r)
	}
	// Newest first, as the console lists runs; job and attempt make the
	// order total.
	slices.SortFunc(kept, func(a, b *engine.RunInfo) int {
		if c := compareInt(b.Started, a.Started); c != 0 {
			return c
		}
		if c := strings.Compare(a.Job, b.Job); c != 0 {
			return c
		}
		return compareInt(int64(a.Attempt), int64(b.Attempt))
	})
	cols := runColumns(kept, hits != nil, q.Pipes)
	// Before a pipe that reshapes the rows (count, fields), only the
	// columns that the pipes name are read: the others are left nil.
	need := make([]bool, len(cols))
	named := pipeColumns(q.Pipes)
	for i, c := range cols {
		need[i] = !reshapes(q.Pipes) || slices.Contains(named, c)
	}
	rows := make([]Row, len(kept))
	for i := range kept {
		rows[i] = Row{Kind: RecordRow, Columns: cols, Values: runValues(kept[i], cols, need, hits, opts.Location)}
	}
	p := &Plan{Pipes: q.Pipes, Location: opts.Location, Now: opts.Now, Columns: cols}
	st, err := p.stagesFrom(&sliceStage{rows: rows, pos: -1}, src, 0, cols, r.mem)
	if err != nil {
		return err
	}
	out := cols
	for _, pipe := range q.Pipes {
		switch pipe := pipe.(type) {
		case *CountPipe:
			out = nil
			for _, f := range pipe.By {
				out = append(out, f.Name)
			}
			out = append(out, colCount)
		case *FieldsPipe:
			out = nil
			for _, f := range pipe.Fields {
				out = append(out, f.Name)
			}
		case *ContextPipe:
			st.close()
			return &ParseError{Pos: pipe.Pos, Msg: "context applies to lines, not runs", Query: text}
		case *SortPipe, *LimitPipe, *OffsetPipe:
		default:
			out = pipeShape(rowShape{records: true, cols: out}, pipe).cols
		}
	}
	r.st, r.columns, r.loc = st, out, opts.Location
	return nil
}

// A jobRunSource can list one job's runs without reading the others'.
// *engine.DB is one.
type jobRunSource interface {
	JobRuns(ctx context.Context, job string) ([]engine.RunInfo, error)
}

// exactJob returns the job that a filter over runs requires, if any: a
// job=NAME without '*' that every match must satisfy (the filter itself or
// one of its AND operands).
func exactJob(e Expr) (string, bool) {
	switch e := e.(type) {
	case *ParenExpr:
		return exactJob(e.X)
	case *AndExpr:
		if job, ok := exactJob(e.LHS); ok {
			return job, true
		}
		return exactJob(e.RHS)
	case *CompareExpr:
		if e.Field == fieldJob && e.Op == engine.Eq && !strings.Contains(e.Value, "*") {
			return e.Value, true
		}
	}
	return "", false
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// runColumns returns the columns of run rows: the fixed ones, "hits" with
// HAVING, then every label name seen, sorted, then the other run fields and
// labels that the pipes name before they reshape the rows (trigger, pinned,
// a label no run has).
func runColumns(runs []*engine.RunInfo, having bool, pipes []Pipe) []string {
	cols := append([]string(nil), RunColumns...)
	if having {
		cols = append(cols, colRunHits)
	}
	seen := map[string]bool{}
	for _, c := range cols {
		seen[c] = true
	}
	var labels []string
	for _, r := range runs {
		for _, l := range r.Labels {
			if !seen[l.Name] {
				seen[l.Name] = true
				labels = append(labels, l.Name)
			}
		}
	}
	slices.Sort(labels)
	cols = append(cols, labels...)
	for _, name := range pipeColumns(pipes) {
		if !seen[name] && name != colCount {
			seen[name] = true
			cols = append(cols, name)
		}
	}
	return cols
}

// pipeColumns returns the columns that pipes name up to the first that
// reshapes the rows (count, fields, stats, top, uniq or field_values),
// inclusive.
func pipeColumns(pipes []Pipe) []string {
	var named []string
	for _, p := range pipes {
		switch p := p.(type) {
		case *SortPipe:
			for _, k := range p.Keys {
				named = append(named, k.Field)
			}
		case *CountPipe:
			for _, f := range p.By {
				named = append(named, f.Name)
			}
			return named
		case *FieldsPipe:
			for _, f := range p.Fields {
				named = append(named, f.Name)
			}
			return named
		case *StatsPipe:
			for _, b := range p.By {
				named = append(named, b.Name)
			}
			for _, f := range p.Funcs {
				if f.Field != "" {
					named = append(named, f.Field)
				}
			}
			return named
		case *TopPipe:
			return append(named, refNames(p.By)...)
		case *UniqPipe:
			return append(named, refNames(p.By)...)
		case *FieldValuesPipe:
			return append(named, p.Field.Name)
		case *FilterPipe:
			named = append(named, filterFields(p.X)...)
		}
	}
	return named
}

func refNames(fs []FieldRef) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// filterFields returns the fields that filter e compares.
func filterFields(e Expr) []string {
	var out []string
	Inspect(e, func(n Node) bool {
		switch n := n.(type) {
		case *CompareExpr:
			out = append(out, n.Field)
		case *RangeExpr:
			out = append(out, n.Field)
		case *InExpr:
			out = append(out, n.Field)
		}
		return true
	})
	return out
}

// A runKey names a run in maps.
type runKey struct {
	job     string
	attempt int
}

// runValues returns a run's values for the columns cols[i] with need[i].
func runValues(r *engine.RunInfo, cols []string, need []bool, hits map[runKey]int64, loc *time.Location) []any {
	vals := make([]any, len(cols))
	for i, c := range cols {
		switch {
		case !need[i]:
		case c == colRunHits:
			vals[i] = hits[runKey{r.Job, r.Attempt}]
		default:
			vals[i] = runValue(r, c, loc)
		}
	}
	return vals
}

// reshapes reports whether a pipe replaces the rows by new ones (count,
// fields, stats, top, uniq, field_values) before any reads them all
// (field_names), so that the columns no pipe names are never read.
func reshapes(pipes []Pipe) bool {
	for _, p := range pipes {
		switch p.(type) {
		case *CountPipe, *FieldsPipe, *StatsPipe, *TopPipe, *UniqPipe, *FieldValuesPipe:
			return true
		case *FieldNamesPipe:
			return false // it reads every column
		}
	}
	return false
}

// mentions reports whether filter e compares field.
func mentions(e Expr, field string) bool {
	found := false
	if e != nil {
		Inspect(e, func(n Node) bool {
			if c, ok := n.(*CompareExpr); ok && c.Field == field {
				found = true
			}
			return !found
		})
	}
	return found
}

// runValue returns a run's value for a column or label name.
func runValue(r *engine.RunInfo, name string, loc *time.Location) any {
	at := func(ns int64) any {
		if ns == 0 {
			return nil
		}
		return time.Unix(0, ns).In(loc)
	}
	switch name {
	case colRunJob:
		return r.Job
	case colRunAttempt:
		return int64(r.Attempt)
	case colRunKind:
		return r.Kind
	case colRunStatus:
		return r.Status.String()
	case colRunStart:
		return at(r.Started)
	case colRunEnd:
		return at(r.Ended)
	case colRunTrigger:
		return at(r.Triggered)
	case colRunDuration:
		return float64(r.Duration.Round(time.Microsecond)) / float64(time.Millisecond)
	case colRunBilled:
		return r.BilledDuration.Milliseconds()
	case colRunMemory:
		return r.PeakMemory
	case colRunExit:
		return r.ExitCode
	case colRunMessage:
		return r.ExitMessage
	case colRunLines:
		return r.Lines
	case colRunBytes:
		return r.Bytes
	case colRunErrors:
		return r.Levels[engine.Error] + r.Levels[engine.Fatal]
	case colRunWarnings:
		return r.Levels[engine.Warn]
	case colRunPinned:
		return strconv.FormatBool(r.Pinned)
	}
	v, _ := r.Labels.Get(name)
	return v
}

// runPredicate compiles the filter of a query over runs.
func runPredicate(l *lowerer, text string, e Expr) (func(*engine.RunInfo, map[string]int) bool, error) {
	type pred = func(*engine.RunInfo, map[string]int) bool
	fail := func(pos Position, format string, args ...any) (pred, error) {
		return nil, &ParseError{Pos: pos, Msg: fmt.Sprintf(format, args...), Query: text}
	}
	switch e := e.(type) {
	case *ParenExpr:
		return runPredicate(l, text, e.X)
	case *MatchAllExpr:
		return func(*engine.RunInfo, map[string]int) bool { return true }, nil
	case *NotExpr:
		x, err := runPredicate(l, text, e.X)
		if err != nil {
			return nil, err
		}
		return func(r *engine.RunInfo, lt map[string]int) bool { return !x(r, lt) }, nil
	case *AndExpr, *OrExpr:
		var lhs, rhs Expr
		and := false
		if a, ok := e.(*AndExpr); ok {
			lhs, rhs, and = a.LHS, a.RHS, true
		} else {
			o := e.(*OrExpr)
			lhs, rhs = o.LHS, o.RHS
		}
		x, err := runPredicate(l, text, lhs)
		if err != nil {
			return nil, err
		}
		y, err := runPredicate(l, text, rhs)
		if err != nil {
			return nil, err
		}
		if and {
			return func(r *engine.RunInfo, lt map[string]int) bool { return x(r, lt) && y(r, lt) }, nil
		}
		return func(r *engine.RunInfo, lt map[string]int) bool { return x(r, lt) || y(r, lt) }, nil
	case *WordExpr, *PhraseExpr, *RegexpExpr:
		return fail(e.Position(), "words match lines, not runs: put %s after HAVING", e)
	case *CompareExpr:
		return runCompare(l, text, e)
	case *InExpr, *RangeExpr:
		return runPredicate(l, text, desugar(e))
	}
	return nil, fmt.Errorf("query: BUG: unknown expression %T", e)
}

// runCompare compiles one field comparison over runs.
func runCompare(l *lowerer, text string, e *CompareExpr) (func(*engine.RunInfo, map[string]int) bool, error) {
	type pred = func(*engine.RunInfo, map[string]int) bool
	fail := func(format string, args ...any) (pred, error) {
		return nil, &ParseError{Pos: e.ValuePos, Msg: fmt.Sprintf(format, args...), Query: text}
	}
	eqOnly := func() error {
		if e.Op != engine.Eq && e.Op != engine.Ne {
			return &ParseError{Pos: e.Pos, Msg: fmt.Sprintf("%s takes = or !=, not %s", e.Field, e.Op), Query: text}
		}
		return nil
	}
	glob := func(get func(*engine.RunInfo) string) (pred, error) {
		if err := eqOnly(); err != nil {
			return nil, err
		}
		want := e.Op == engine.Eq
		return func(r *engine.RunInfo, _ map[string]int) bool { return engine.MatchGlob(e.Value, get(r)) == want }, nil
	}
	number := func(parse func(string) (int64, error), get func(*engine.RunInfo) int64) (pred, error) {
		n, err := parse(e.Value)
		if err != nil {
			return fail("%s: %v", e.Field, err)
		}
		return func(r *engine.RunInfo, _ map[string]int) bool { return opCompare(e.Op, get(r), n) }, nil
	}
	switch e.Field {
	case fieldJob:
		return glob(func(r *engine.RunInfo) string { return r.Job })
	case colRunKind:
		return glob(func(r *engine.RunInfo) string { return r.Kind })
	case colRunStatus:
		if err := eqOnly(); err != nil {
			return nil, err
		}
		s, ok := engine.ParseRunStatus(e.Value)
		if !ok {
			return fail("unknown status %q (want running, success, failed, waiting or canceled)", e.Value)
		}
		want := e.Op == engine.Eq
		return func(r *engine.RunInfo, _ map[string]int) bool { return (r.Status == s) == want }, nil
	case colRunPinned:
		if err := eqOnly(); err != nil {
			return nil, err
		}
		b, err := strconv.ParseBool(e.Value)
		if err != nil {
			return fail("pinned is true or false, not %q", e.Value)
		}
		want := e.Op == engine.Eq
		return func(r *engine.RunInfo, _ map[string]int) bool { return (r.Pinned == b) == want }, nil
	case fieldAttempt:
		a, err := parseAttemptValue(e.Value)
		if err != nil {
			return fail("%v", err)
		}
		return func(r *engine.RunInfo, latest map[string]int) bool {
			want := a
			if a == engine.Latest {
				want = latest[r.Job]
			} else if a < 0 {
				want = latest[r.Job] + a
			}
			return opCompare(e.Op, int64(r.Attempt), int64(want))
		}, nil
	case colRunExit:
		return number(parseInt, func(r *engine.RunInfo) int64 { return r.ExitCode })
	case colRunDuration:
		return number(parseRunDuration, func(r *engine.RunInfo) int64 { return int64(r.Duration) })
	case colRunBilled:
		return number(parseRunDuration, func(r *engine.RunInfo) int64 { return int64(r.BilledDuration) })
	case colRunMemory:
		return number(ParseSize, func(r *engine.RunInfo) int64 { return r.PeakMemory })
	case colRunLines:
		return number(parseInt, func(r *engine.RunInfo) int64 { return r.Lines })
	case colRunBytes:
		return number(ParseSize, func(r *engine.RunInfo) int64 { return r.Bytes })
	case colRunErrors:
		return number(parseInt, func(r *engine.RunInfo) int64 { return r.Levels[engine.Error] + r.Levels[engine.Fatal] })
	case colRunWarnings:
		return number(parseInt, func(r *engine.RunInfo) int64 { return r.Levels[engine.Warn] })
	case fieldSince, fieldUntil, fieldDuring:
		f, err := l.compare(e)
		if err != nil {
			return nil, &ParseError{Pos: e.ValuePos, Msg: err.Error(), Query: text}
		}
		tf := f.(engine.TimeFilter)
		return func(r *engine.RunInfo, _ map[string]int) bool {
			return (tf.Since == 0 || r.Started >= tf.Since) && (tf.Until == 0 || r.Started < tf.Until)
		}, nil
	case fieldTZ:
		return func(*engine.RunInfo, map[string]int) bool { return true }, nil
	case fieldLevel, fieldLine:
		return nil, &ParseError{Pos: e.Pos, Msg: fmt.Sprintf("%s applies to lines, not runs: put it after HAVING", e.Field), Query: text}
	}
	return glob(func(r *engine.RunInfo) string { v, _ := r.Labels.Get(e.Field); return v })
}

func opCompare(op engine.Op, a, b int64) bool {
	switch op {
	case engine.Eq:
		return a == b
	case engine.Ne:
		return a != b
	case engine.Lt:
		return a < b
	case engine.Le:
		return a <= b
	case engine.Gt:
		return a > b
	}
	return a >= b
}

func parseInt(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("want a whole number, not %q", v)
	}
	return n, nil
}

// parseRunDuration reads a duration, in milliseconds when it is a bare number
// as in the function-log API: "250", "2.5", "250ms", "1.5s", "2m". It
// returns nanoseconds.
func parseRunDuration(v string) (int64, error) {
	if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && ms < float64(math.MaxInt64/int64(time.Millisecond)) {
		return int64(ms * float64(time.Millisecond)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("want milliseconds or a duration such as 500ms, 1.5s or 2m, not %q", v)
	}
	return int64(d), nil
}

// sliceStage yields prepared rows.
type sliceStage struct {
	rows []Row
	pos  int
}

func (s *sliceStage) next(ctx context.Context) bool {
	if s.pos+1 >= len(s.rows) {
		return false
	}
	s.pos++
	return true
}

func (s *sliceStage) row() *Row    { return &s.rows[s.pos] }
func (s *sliceStage) err() error   { return nil }
func (s *sliceStage) close() error { s.rows = nil; return nil }
