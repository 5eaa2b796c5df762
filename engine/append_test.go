package engine_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// readAll reads every line of a run through ReadLines pages of size count.
func readAll(t *testing.T, db *engine.DB, job string, attempt, count int) []engine.Entry {
	t.Helper()
	var out []engine.Entry
	req := engine.ReadRequest{Job: job, Attempt: attempt, Count: count}
	for {
		p, err := db.ReadLines(context.Background(), req)
		if err != nil {
			t.Fatalf("read %s/%d: %v", job, attempt, err)
		}
		out = append(out, p.Entries...)
		if p.IsEnd {
			return out
		}
		if len(p.Entries) == 0 {
			t.Fatalf("read %s/%d: empty page before the end", job, attempt)
		}
		req = engine.ReadRequest{Cursor: p.Cursor, Count: count}
	}
}

// Ensure that Append numbers lines 1, 2, 3 … per run without gaps whatever
// the batch sizes and interleaving, and that every line reads back, before
// sealing, after sealing and after reopening.
func TestDB_Append_LineNumbers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := &engine.Options{BlockLines: 7, BlockBytes: 300}
	db, err := engine.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	batch := 1
	for round := 0; round < 40; round++ {
		var es []engine.Entry
		for k := 0; k < batch; k++ {
			job := fmt.Sprintf("job%d", (round+k)%3)
			msg := fmt.Sprintf("%s round %d item %d %s", job, round, k, strings.Repeat("x", (round*k)%50))
			es = append(es, engine.Entry{Job: job, Message: msg, Time: int64(round*100 + k + 1)})
		}
		lines, err := db.Append(ctx, es...)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range es {
			want[e.Job] = append(want[e.Job], e.Message)
			if got := lines[i]; got != int64(len(want[e.Job])) {
				t.Fatalf("round %d: %s got line %d, want %d", round, e.Job, got, len(want[e.Job]))
			}
		}
		batch = batch*3%17 + 1
	}
	check := func(stage string) {
		for job, msgs := range want {
			for _, count := range []int{1, 5, 1000} {
				got := readAll(t, db, job, 0, count)
				if len(got) != len(msgs) {
					t.Fatalf("%s: %s has %d lines, want %d", stage, job, len(got), len(msgs))
				}
				for i, e := range got {
					if e.Line != int64(i+1) || e.Message != msgs[i] || e.Job != job {
						t.Fatalf("%s: %s line %d = %d %q, want %d %q", stage, job, i+1, e.Line, e.Message, i+1, msgs[i])
					}
				}
			}
		}
	}
	check("tails")
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check("sealed")
	if _, err := db.Append(ctx, engine.Entry{Job: "job1", Message: "after flush"}); err != nil {
		t.Fatal(err)
	}
	want["job1"] = append(want["job1"], "after flush")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = testutil.MustOpenDBAt(t, dir, opts)
	check("reopened")
	if _, err := db.Append(ctx, engine.Entry{Job: "job1", Message: "after reopen"}); err != nil {
		t.Fatal(err)
	}
	want["job1"] = append(want["job1"], "after reopen")
	check("appended after reopen")
}

// Ensure that an invalid entry fails the whole Append and stores nothing.
func TestDB_Append_Invalid(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, &engine.Options{MaxLineBytes: 10})
	good := engine.Entry{Job: "j", Message: "ok"}
	for _, tc := range []struct {
		e    engine.Entry
		want error
	}{
		{engine.Entry{Message: "no job"}, engine.ErrBadEntry},
		{engine.Entry{Job: "a\x00b"}, engine.ErrBadEntry},
		{engine.Entry{Job: "j", Attempt: -1}, engine.ErrBadEntry},
		{engine.Entry{Job: "j", Level: 99}, engine.ErrBadEntry},
		{engine.Entry{Job: "j", Message: "far too long"}, engine.ErrLineTooLong},
	} {
		if _, err := db.Append(ctx, good, tc.e); !errors.Is(err, tc.want) {
			t.Errorf("Append(%+v) = %v, want %v", tc.e, err, tc.want)
		}
	}
	if _, err := db.ReadLines(ctx, engine.ReadRequest{Job: "j"}); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("run j exists after failed appends: %v", err)
	}
}

// Ensure that Append, ReadLines and Query return ErrClosed after Close, and
// that Close is idempotent.
func TestDB_AfterClose(t *testing.T) {
	db, err := engine.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	ctx := context.Background()
	if _, err := db.Append(ctx, engine.Entry{Job: "j"}); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Append after Close: %v", err)
	}
	if _, err := db.ReadLines(ctx, engine.ReadRequest{Job: "j"}); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("ReadLines after Close: %v", err)
	}
	if _, err := db.Query(ctx, nil, nil); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Query after Close: %v", err)
	}
}

// Ensure that a second Open of the same directory fails at once with
// ErrLocked naming the holder's pid.
func TestOpen_Locked(t *testing.T) {
	dir := t.TempDir()
	testutil.MustOpenDBAt(t, dir, nil)
	_, err := engine.Open(dir, nil)
	if !errors.Is(err, engine.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "locked by pid ") {
		t.Fatalf("error %q does not name the pid", err)
	}
}

// Ensure that Entry times of 0 become the append time and labels are
// sorted.
func TestDB_Append_Defaults(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	_, err := db.Append(ctx, engine.Entry{Job: "j", Message: "m", Labels: engine.Labels{{Name: "z", Value: "1"}, {Name: "a", Value: "2"}, {Name: "z", Value: "3"}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.ReadLines(ctx, engine.ReadRequest{Job: "j"})
	if err != nil {
		t.Fatal(err)
	}
	e := p.Entries[0]
	if e.Time == 0 {
		t.Error("time 0 was stored")
	}
	if got := e.Labels.String(); got != "a=2 z=3" {
		t.Errorf("labels = %s", got)
	}
}

// Ensure that Labels print as name=value pairs, quoting the values that
// would otherwise not read back.
func TestLabels_String(t *testing.T) {
	ls := engine.Labels{{Name: "app", Value: "billing"}, {Name: "empty", Value: ""}, {Name: "note", Value: `a "b" c`}, {Name: "tab", Value: "x\ty"}}
	if got, want := ls.String(), `app=billing empty="" note="a \"b\" c" tab="x\ty"`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	if got := engine.Labels(nil).String(); got != "" {
		t.Errorf("no labels: %q", got)
	}
}

// Ensure that the store keeps none of the caller's memory once Append
// returns: runs stay in memory while the store is open, and an ingest
// reader hands out job names and labels from big shared buffers, which the
// runs of a 10M-line load once kept alive (300 MB).
func TestDB_AppendKeepsNoCallerMemory(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	type buffer struct{ b [64 << 10]byte }
	freed := make(chan struct{})
	func() {
		buf := new(buffer)
		runtime.AddCleanup(buf, func(ch chan struct{}) { close(ch) }, freed)
		s := func(from int, v string) string {
			copy(buf.b[from:], v)
			return unsafe.String(&buf.b[from], len(v))
		}
		e := engine.Entry{Job: s(0, "build"), Message: s(100, "compiling"),
			Labels: engine.Labels{{Name: s(200, "env"), Value: s(300, "prod")}}}
		if _, err := db.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}()
	for i := 0; i < 20; i++ {
		runtime.GC()
		select {
		case <-freed:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("the caller's buffer is still referenced after Append returned")
}

// Ensure that AppendWith seals the lines of the runs Ended names in the same
// write, leaving them no tail, that later lines of such a run start a block
// of their own, and that the other runs keep their tails.
func TestDB_AppendWithEnded(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, &engine.Options{SealAfter: time.Hour, BlockLines: 1024})
	var es []engine.Entry
	for i := 0; i < 1500; i++ {
		es = append(es, engine.Entry{Job: "done", Message: fmt.Sprintf("line %d", i+1)})
	}
	for i := 0; i < 10; i++ {
		es = append(es, engine.Entry{Job: "going", Message: fmt.Sprintf("line %d", i+1)})
	}
	ended := func(job string, _ int) bool { return job == "done" }
	if _, err := db.AppendWith(ctx, engine.AppendOptions{Ended: ended}, es...); err != nil {
		t.Fatal(err)
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// done: 1024 + 476 sealed; going: 10 in its tail.
	if st.Blocks != 2 || st.UnsealedLines != 10 {
		t.Fatalf("%d blocks, %d unsealed lines; want 2 and 10", st.Blocks, st.UnsealedLines)
	}
	if _, err := db.AppendWith(ctx, engine.AppendOptions{Ended: ended},
		engine.Entry{Job: "done", Message: "line 1501"}, engine.Entry{Job: "done", Message: "line 1502"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.Stats(ctx); st.Blocks != 3 || st.UnsealedLines != 10 {
		t.Fatalf("after more lines of an ended run: %d blocks, %d unsealed lines; want 3 and 10", st.Blocks, st.UnsealedLines)
	}
	got := readAll(t, db, "done", 0, 100)
	if len(got) != 1502 {
		t.Fatalf("read %d lines of done, want 1502", len(got))
	}
	for i, e := range got {
		if want := fmt.Sprintf("line %d", i+1); e.Line != int64(i+1) || e.Message != want {
			t.Fatalf("line %d: %d %q, want %q", i+1, e.Line, e.Message, want)
		}
	}
}
