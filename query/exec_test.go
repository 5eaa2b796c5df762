package query

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that *engine.DB satisfies Source.
var _ Source = (*engine.DB)(nil)

// These tests run the pipe stages against a real engine in t.TempDir(): the
// engine's results feed the first stage and "| context" reads lines with the
// engine's ReadLines. Where a test is about one stage's handling of its
// input (the order of context hits, cancellation), the hits come from a
// slice of entries that were stored in that engine. The behaviour scripts
// in testdata/exec run whole queries with Plan.Run.

// sliceIter is an entryIterator over a slice.
type sliceIter struct {
	entries []engine.Entry
	i       int
	cur     engine.Entry
	closed  bool
	ctx     context.Context
	err     error
}

func (it *sliceIter) Next() bool {
	if it.closed || it.err != nil {
		return false
	}
	if it.ctx != nil && it.ctx.Err() != nil {
		it.err = it.ctx.Err()
		return false
	}
	if it.i >= len(it.entries) {
		return false
	}
	// Hand out a copy in a reused buffer, as an engine iterator may.
	it.cur = it.entries[it.i]
	it.i++
	return true
}

func (it *sliceIter) Entry() *engine.Entry { return &it.cur }
func (it *sliceIter) Err() error           { return it.err }
func (it *sliceIter) Close() error         { it.closed = true; return it.err }

// closeCheck records whether the stages closed their input.
type closeCheck struct {
	entryIterator
	closed bool
}

func (c *closeCheck) Close() error { c.closed = true; return c.entryIterator.Close() }

// countReads is a real engine that counts ReadLines calls.
type countReads struct {
	*engine.DB
	reads int
}

func (s *countReads) ReadLines(ctx context.Context, r engine.ReadRequest) (*engine.Page, error) {
	s.reads++
	return s.DB.ReadLines(ctx, r)
}

// failReads is a real engine whose ReadLines fails with err.
type failReads struct {
	*engine.DB
	err error
}

func (s *failReads) ReadLines(context.Context, engine.ReadRequest) (*engine.Page, error) {
	return nil, s.err
}

// failQuery is a real engine whose Query fails with err.
type failQuery struct {
	*engine.DB
	err error
}

func (s *failQuery) Query(context.Context, engine.Filter, *engine.QueryOptions) (*engine.Iterator, error) {
	return nil, s.err
}

var (
	_ Source = (*countReads)(nil)
	_ Source = (*failReads)(nil)
	_ Source = (*failQuery)(nil)
)

// store appends es to db and returns them as stored, with the line numbers
// the engine gave them. It fails the test unless those are want.
func store(t *testing.T, db *engine.DB, es []engine.Entry, want []int64) []engine.Entry {
	t.Helper()
	lines, err := db.Append(context.Background(), es...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("the engine numbered the lines %v, want %v", lines, want)
	}
	out := slices.Clone(es)
	for i := range out {
		out[i].Line = lines[i]
	}
	return out
}

// storeRun appends a run made by mkRun and checks that the engine numbered
// its lines from 1.
func storeRun(t *testing.T, db *engine.DB, run []engine.Entry) []engine.Entry {
	t.Helper()
	want := make([]int64, len(run))
	for i := range want {
		want[i] = int64(i + 1)
	}
	return store(t, db, run, want)
}

// mkRun makes a run of n lines with messages "job/attempt line N" and times
// from t0 on (t0 > 0: Append would replace a time of 0). The engine gives
// the lines their numbers.
func mkRun(job string, attempt, n int, t0 int64) []engine.Entry {
	out := make([]engine.Entry, n)
	for i := range out {
		out[i] = engine.Entry{Job: job, Attempt: attempt, Time: t0 + int64(i), Level: engine.Info,
			Message: fmt.Sprintf("%s/%d line %d", job, attempt, i+1)}
	}
	return out
}

// newPlan plans query src for the stage tests.
func newPlan(t *testing.T, src string) *Plan {
	t.Helper()
	p, err := NewPlan(MustParse(src), Options{Now: testNow, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runQuery runs query src against db as Plan.Run does, and returns the rows
// formatted by formatRow. The engine gets the plan's order but not its
// limit, so that the limit and offset stages do all the work under test.
func runQuery(t *testing.T, ctx context.Context, src string, db *engine.DB) ([]string, error) {
	t.Helper()
	p := newPlan(t, src)
	it, err := db.Query(ctx, p.Filter, &engine.QueryOptions{Desc: p.QueryOptions.Desc})
	if err != nil {
		t.Fatal(err)
	}
	return runStages(t, ctx, src, p, it, db)
}

// runPipes runs the pipes of query src over entries, as Plan.Run would over
// the engine's results, with source for "| context", and returns the rows
// formatted by formatRow.
func runPipes(t *testing.T, ctx context.Context, src string, entries []engine.Entry, source Source) ([]string, error) {
	t.Helper()
	return runStages(t, ctx, src, newPlan(t, src), &sliceIter{entries: entries, ctx: ctx}, source)
}

func runStages(t *testing.T, ctx context.Context, src string, p *Plan, in entryIterator, source Source) ([]string, error) {
	t.Helper()
	it := &closeCheck{entryIterator: in}
	rows, _ := newRows(ctx, p.Limits, p.Columns, p.Location)
	st, err := p.stages(newSourceStage(it), source, rows.mem)
	if err != nil {
		t.Fatal(err)
	}
	rows.st = st
	defer rows.Close()
	var out []string
	for rows.Next() {
		out = append(out, formatRow(rows.Row(), time.UTC))
	}
	rows.Close()
	if !it.closed {
		t.Errorf("%s: engine iterator not closed", src)
	}
	return out, rows.Err()
}

// formatRow renders a row for tests: grep-like "job/attempt:line level
// msg" for hits, '-' instead of ':' for context lines, "--" for separators
// and "col=value …" for records.
func formatRow(r *Row, loc *time.Location) string {
	switch r.Kind {
	case EntryRow:
		e := r.Entry
		sep := ":"
		if r.Context {
			sep = "-"
		}
		lv := e.Level.String()
		if lv == "" {
			lv = "-"
		}
		return fmt.Sprintf("%s/%d%s%d %s %s", e.Job, e.Attempt, sep, e.Line, lv, e.Message)
	case SeparatorRow:
		return "--"
	case RecordRow:
		parts := make([]string, len(r.Values))
		for i, v := range r.Values {
			var s string
			switch x := v.(type) {
			case time.Time:
				s = x.In(loc).Format(time.RFC3339Nano)
			case engine.Level:
				s = x.String()
			default:
				s = fmt.Sprint(x)
			}
			parts[i] = r.Columns[i] + "=" + s
		}
		return strings.Join(parts, " ")
	}
	return "?"
}

func checkRows(t *testing.T, src string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", src, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// pipeDB returns an engine holding the entries of the pipe tests. The
// engine's order, (time, job, attempt, line), is the order of appending:
//
//	b/0:1 t=10 Info  app=x one
//	a/0:1 t=20 Error app=y two
//	b/0:2 t=20 Warn        three
//	a/0:2 t=30 Error app=x four
//	a/0:3 t=40 -     app=y five
func pipeDB(t *testing.T) *engine.DB {
	t.Helper()
	mk := func(job string, tm int64, lv engine.Level, app, msg string) engine.Entry {
		var ls engine.Labels
		if app != "" {
			ls = engine.Labels{{Name: "app", Value: app}}
		}
		return engine.Entry{Job: job, Time: tm, Level: lv, Message: msg, Labels: ls}
	}
	db := testutil.MustOpenDB(t, nil)
	store(t, db, []engine.Entry{
		mk("b", 10, engine.Info, "x", "one"),
		mk("a", 20, engine.Error, "y", "two"),
		mk("b", 20, engine.Warn, "", "three"),
		mk("a", 30, engine.Error, "x", "four"),
		mk("a", 40, engine.NoLevel, "y", "five"),
	}, []int64{1, 1, 2, 2, 3})
	return db
}

// Ensure that limit, offset and head page through the rows.
func TestStages_LimitOffset(t *testing.T) {
	ctx := context.Background()
	db := pipeDB(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"| limit 2", []string{"b/0:1 Info one", "a/0:1 Error two"}},
		{"| head 1", []string{"b/0:1 Info one"}},
		{"| offset 3", []string{"a/0:2 Error four", "a/0:3 - five"}},
		{"| offset 1 | limit 2", []string{"a/0:1 Error two", "b/0:2 Warn three"}},
		{"| limit 2 | offset 1", []string{"a/0:1 Error two"}},
		{"| limit 0", nil},
		{"| offset 9", nil},
	}
	for _, tt := range tests {
		got, err := runQuery(t, ctx, tt.q, db)
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, tt.q, got, tt.want...)
	}
}

// Ensure that sort orders by its keys and breaks ties by the engine's order
// in the direction of the first key.
func TestStages_Sort(t *testing.T) {
	ctx := context.Background()
	db := pipeDB(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"| sort by level", []string{"a/0:3 - five", "b/0:1 Info one", "b/0:2 Warn three", "a/0:1 Error two", "a/0:2 Error four"}},
		{"| sort by level desc", []string{"a/0:2 Error four", "a/0:1 Error two", "b/0:2 Warn three", "b/0:1 Info one", "a/0:3 - five"}},
		{"| sort by job, line desc", []string{"a/0:3 - five", "a/0:2 Error four", "a/0:1 Error two", "b/0:2 Warn three", "b/0:1 Info one"}},
		{"| sort by app, time desc", []string{"b/0:2 Warn three", "a/0:2 Error four", "b/0:1 Info one", "a/0:3 - five", "a/0:1 Error two"}},
		{"| sort by msg", []string{"a/0:3 - five", "a/0:2 Error four", "b/0:1 Info one", "b/0:2 Warn three", "a/0:1 Error two"}},
		// Not pushed down (not the first pipe): the stage must match the
		// engine's descending order, ties at time 20 by job descending.
		{"| limit 9 | sort by time desc", []string{"a/0:3 - five", "a/0:2 Error four", "b/0:2 Warn three", "a/0:1 Error two", "b/0:1 Info one"}},
		{"| sort by level desc | limit 2", []string{"a/0:2 Error four", "a/0:1 Error two"}},
		{"| fields job, msg | sort by job desc", []string{"job=b msg=one", "job=b msg=three", "job=a msg=two", "job=a msg=four", "job=a msg=five"}},
	}
	for _, tt := range tests {
		got, err := runQuery(t, ctx, tt.q, db)
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, tt.q, got, tt.want...)
	}
}

// Ensure that count and count by count, order by count descending then
// keys ascending, and that fields projects.
func TestStages_CountFields(t *testing.T) {
	ctx := context.Background()
	db := pipeDB(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"| count", []string{"count=5"}},
		{"| limit 0 | count", []string{"count=0"}},
		{"| limit 0 | count by job", nil},
		{"| count by job", []string{"job=a count=3", "job=b count=2"}},
		{"| count by level", []string{"level=Error count=2", "level= count=1", "level=Info count=1", "level=Warn count=1"}},
		{"| count by app, job", []string{"app=y job=a count=2", "app= job=b count=1", "app=x job=a count=1", "app=x job=b count=1"}},
		{"| count by job | count", []string{"count=2"}},
		{"| count by level | sort by level desc | limit 2", []string{"level=Error count=2", "level=Warn count=1"}},
		{"| count by job | fields count", []string{"count=3", "count=2"}},
		{"| fields time, level, job, attempt, line, app, msg | limit 1", []string{"time=1970-01-01T00:00:00.00000001Z level=Info job=b attempt=0 line=1 app=x msg=one"}},
		{"| fields app | count by app", []string{"app=x count=2", "app=y count=2", "app= count=1"}},
	}
	for _, tt := range tests {
		got, err := runQuery(t, ctx, tt.q, db)
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, tt.q, got, tt.want...)
	}
}

// Ensure that context shows the lines around hits, merges overlapping and
// touching windows like grep -C, and separates groups.
func TestStages_Context(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	runA := storeRun(t, db, mkRun("a", 0, 20, 100))
	runB := storeRun(t, db, mkRun("b", 1, 5, 100))
	hits := func(es ...engine.Entry) []engine.Entry { return es }
	tests := []struct {
		q     string
		hits  []engine.Entry
		want  []string
		reads int
	}{
		{"| context 2", hits(runA[9]), []string{
			"a/0-8 Info a/0 line 8", "a/0-9 Info a/0 line 9", "a/0:10 Info a/0 line 10", "a/0-11 Info a/0 line 11", "a/0-12 Info a/0 line 12",
		}, 1},
		// Windows at the edges of the run are cut.
		{"| context 2", hits(runA[0], runA[19]), []string{
			"a/0:1 Info a/0 line 1", "a/0-2 Info a/0 line 2", "a/0-3 Info a/0 line 3",
			"--",
			"a/0-18 Info a/0 line 18", "a/0-19 Info a/0 line 19", "a/0:20 Info a/0 line 20",
		}, 2},
		// Overlapping windows merge, and so do touching ones (3-5 and 6-8).
		{"| context 1", hits(runA[3], runA[5], runA[6], runA[9]), []string{
			"a/0-3 Info a/0 line 3", "a/0:4 Info a/0 line 4", "a/0-5 Info a/0 line 5", "a/0:6 Info a/0 line 6", "a/0:7 Info a/0 line 7", "a/0-8 Info a/0 line 8",
			"a/0-9 Info a/0 line 9", "a/0:10 Info a/0 line 10", "a/0-11 Info a/0 line 11",
		}, 1},
		// context 0 shows the hits alone; adjacent ones form one group.
		{"| context 0", hits(runA[3], runA[4], runA[9]), []string{
			"a/0:4 Info a/0 line 4", "a/0:5 Info a/0 line 5", "--", "a/0:10 Info a/0 line 10",
		}, 2},
		// Hits in descending order merge too, and print in line order.
		{"| context 1", hits(runA[6], runA[4]), []string{
			"a/0-4 Info a/0 line 4", "a/0:5 Info a/0 line 5", "a/0-6 Info a/0 line 6", "a/0:7 Info a/0 line 7", "a/0-8 Info a/0 line 8",
		}, 1},
		// Other runs' hits in between split groups.
		{"| context 1", hits(runA[4], runB[0], runA[5]), []string{
			"a/0-4 Info a/0 line 4", "a/0:5 Info a/0 line 5", "a/0-6 Info a/0 line 6",
			"--",
			"b/1:1 Info b/1 line 1", "b/1-2 Info b/1 line 2",
			"--",
			"a/0-5 Info a/0 line 5", "a/0:6 Info a/0 line 6", "a/0-7 Info a/0 line 7",
		}, 3},
		{"| limit 1 | context 1", hits(runB[2], runB[3]), []string{
			"b/1-2 Info b/1 line 2", "b/1:3 Info b/1 line 3", "b/1-4 Info b/1 line 4",
		}, 1},
		{"| context 3", nil, nil, 0},
		// A run that vanished (retention) drops its group.
		{"| context 1", hits(engine.Entry{Job: "gone", Line: 3}, runB[0]), []string{
			"--", "b/1:1 Info b/1 line 1", "b/1-2 Info b/1 line 2",
		}, 2},
	}
	for _, tt := range tests {
		src := &countReads{DB: db}
		got, err := runPipes(t, ctx, tt.q, tt.hits, src)
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		checkRows(t, tt.q, got, tt.want...)
		if src.reads != tt.reads {
			t.Errorf("%s: %d ReadLines calls, want %d", tt.q, src.reads, tt.reads)
		}
	}
}

// Ensure that context reads long groups page by page, across the engine's
// blocks (1024 lines by default).
func TestStages_ContextPaging(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	run := storeRun(t, db, mkRun("a", 0, 2500, 1))
	src := &countReads{DB: db}
	got, err := runPipes(t, context.Background(), "| context 1200", []engine.Entry{run[1250]}, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2401 || got[0] != "a/0-51 Info a/0 line 51" || got[1200] != "a/0:1251 Info a/0 line 1251" || got[2400] != "a/0-2451 Info a/0 line 2451" {
		t.Errorf("got %d rows: %q … %q", len(got), got[0], got[len(got)-1])
	}
	if src.reads != 3 {
		t.Errorf("%d reads, want 3", src.reads)
	}
}

// Ensure that a ReadLines error stops the rows with that error.
func TestStages_ContextError(t *testing.T) {
	boom := errors.New("boom")
	db := testutil.MustOpenDB(t, nil)
	run := storeRun(t, db, mkRun("a", 0, 3, 1))
	_, err := runPipes(t, context.Background(), "| context 1", run, &failReads{DB: db, err: boom})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
}

// Ensure that cancelling the context stops a sort or count while it reads
// its input, and stops Rows.Next.
func TestStages_Cancel(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	entries := storeRun(t, db, mkRun("a", 0, 10000, 1))
	for _, q := range []string{"| sort by msg", "| count by msg", "| offset 9999", "", "| context 1"} {
		ctx, cancel := context.WithCancel(context.Background())
		p, _ := NewPlan(MustParse(q), Options{})
		it := &cancelIter{sliceIter: sliceIter{entries: entries}, cancel: cancel, after: 500}
		rows, _ := newRows(ctx, p.Limits, p.Columns, p.Location)
		rows.st, _ = p.stages(newSourceStage(it), db, rows.mem)
		n := 0
		for rows.Next() {
			n++
		}
		if !errors.Is(rows.Err(), context.Canceled) {
			t.Errorf("%q: Err = %v after %d rows, want context.Canceled", q, rows.Err(), n)
		}
		if it.i > 500+checkEvery {
			t.Errorf("%q: read %d entries after cancel at 500", q, it.i)
		}
		if !it.closed {
			t.Errorf("%q: iterator not closed", q)
		}
	}
}

// cancelIter cancels its context after handing out some entries. It does not
// check the context itself, to show that the stages do.
type cancelIter struct {
	sliceIter
	cancel func()
	after  int
}

func (it *cancelIter) Next() bool {
	if it.i == it.after {
		it.cancel()
	}
	return it.sliceIter.Next()
}

// Ensure that Close stops the rows and is idempotent.
func TestRows_Close(t *testing.T) {
	it := &sliceIter{entries: mkRun("a", 0, 10, 1)}
	rows, _ := newRows(context.Background(), Limits{}, nil, time.UTC)
	rows.st = newSourceStage(it)
	if !rows.Next() {
		t.Fatal("no first row")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if !it.closed {
		t.Error("iterator not closed")
	}
	if rows.Next() || rows.Row() != nil {
		t.Error("Next after Close")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
}

// Ensure that Run reports a failing engine query.
func TestRun_QueryError(t *testing.T) {
	boom := errors.New("boom")
	src := &failQuery{DB: testutil.MustOpenDB(t, nil), err: boom}
	if _, err := Run(context.Background(), src, MustParse("x"), Options{}); !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
}
