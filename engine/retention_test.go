package engine

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock makes the engine's clock read the value returned, set to
// 2025-03-01 UTC, until the test ends. The clock is read by the indexer's
// goroutine too, hence atomic.
func fakeClock(t *testing.T) *atomic.Int64 {
	var clock atomic.Int64
	clock.Store(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	old := now
	t.Cleanup(func() { now = old })
	now = clock.Load
	return &clock
}

// Ensure that GC deletes exactly the runs that have expired under the
// retention rules, from the store and the index together, keeps pinned
// runs, and leaves every other run whole.
func TestDB_GC(t *testing.T) {
	ctx := context.Background()
	clock := fakeClock(t)
	day := int64(24 * time.Hour)

	db, err := Open(t.TempDir(), &Options{BlockLines: 8, GCInterval: -1, NoIndexer: false})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	type run struct {
		job    string
		status RunStatus
		env    string
		age    int64 // days since the last change
		pinned bool
		keep   bool
	}
	runs := []run{
		{"ok-new", Success, "prod", 3, false, true},
		{"ok-old", Success, "prod", 8, false, false},  // successful: 7 days
		{"fail-mid", Failed, "prod", 60, false, true}, // failed: 90 days
		{"fail-old", Failed, "prod", 100, false, false},
		{"dev-old", Running, "dev", 20, false, false}, // env=dev: 10 days
		{"run-mid", Running, "prod", 20, false, true}, // default: 30 days
		{"run-old", Running, "prod", 40, false, false},
		{"pinned", Failed, "prod", 400, true, true},
	}
	start := clock.Load()
	for i, r := range runs {
		clock.Store(start - r.age*day)
		var es []Entry
		for k := 0; k < 20; k++ {
			es = append(es, Entry{Job: r.job, Message: fmt.Sprintf("%s line %d marker%d", r.job, k, i), Labels: Labels{{Name: "env", Value: r.env}}})
		}
		if _, err := db.Append(ctx, es...); err != nil {
			t.Fatal(err)
		}
		if r.status.Finished() {
			if err := db.FinishRun(ctx, r.job, 0, RunResult{Status: r.status}); err != nil {
				t.Fatal(err)
			}
		}
		if r.pinned {
			if err := db.Pin(ctx, r.job, 0, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	clock.Store(start)
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	rules := &Retention{Rules: []RetentionRule{
		{Label: "env", Value: "dev", MaxAge: 10 * 24 * time.Hour},
		{Statuses: []RunStatus{Success}, MaxAge: 7 * 24 * time.Hour},
		{Statuses: []RunStatus{Failed}, MaxAge: 90 * 24 * time.Hour},
	}, IncludeRunning: true}
	rep, err := db.GC(ctx, rules)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, d := range rep.Deleted {
		deleted = append(deleted, d.Job)
	}
	if fmt.Sprint(deleted) != "[dev-old fail-old ok-old run-old]" || rep.Kept != 1 || rep.Lines != 80 || rep.Checked != 8 {
		t.Fatalf("report: deleted %v, kept %d, lines %d, checked %d", deleted, rep.Kept, rep.Lines, rep.Checked)
	}
	for i, r := range runs {
		_, err := db.Run(ctx, r.job, 0)
		if r.keep != (err == nil) {
			t.Errorf("run %s: kept %v, want %v (%v)", r.job, err == nil, r.keep, err)
		}
		if !r.keep && !errors.Is(err, ErrRunNotFound) {
			t.Errorf("run %s: %v, want ErrRunNotFound", r.job, err)
		}
		// Through the index: the run's own word finds its lines or none.
		n, err := db.Count(ctx, Word(fmt.Sprintf("marker%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int64{true: 20, false: 0}[r.keep]; n != want {
			t.Errorf("run %s: %d lines found by its word, want %d", r.job, n, want)
		}
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Runs != 4 || st.Lines != 80 || st.IndexDocs == 0 || st.IndexLag != 0 {
		t.Fatalf("stats after GC: %+v", st)
	}
	// The granules of the deleted blocks were indexed again without them.
	if rep, err := db.Verify(ctx); err != nil || !rep.OK() || !rep.IndexChecked {
		t.Fatalf("verify after GC: %+v %v", rep, err)
	}
	// A second GC finds nothing more.
	if rep, err := db.GC(ctx, rules); err != nil || len(rep.Deleted) != 0 {
		t.Fatalf("second GC: %+v %v", rep, err)
	}
}

// Ensure that GC keeps expired runs that have not finished, running or
// waiting, and counts them, unless Retention.IncludeRunning is set; the
// plan of Expired says the same.
func TestDB_GC_KeepsRunning(t *testing.T) {
	ctx := context.Background()
	clock := fakeClock(t)
	db, err := Open(t.TempDir(), &Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, job := range []string{"done", "running"} {
		if _, err := db.Append(ctx, Entry{Job: job, Message: job + " line"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.FinishRun(ctx, "done", 0, RunResult{Status: Success}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartRun(ctx, RunSpec{Job: "waiting", Attempt: NextAttempt, Waiting: true}); err != nil {
		t.Fatal(err)
	}
	clock.Add(int64(48 * time.Hour))
	ret := &Retention{MaxAge: 24 * time.Hour}
	jobs := func(rep GCReport) string {
		var js []string
		for _, d := range rep.Deleted {
			js = append(js, d.Job)
		}
		return fmt.Sprint(js)
	}
	plan, err := db.Expired(ctx, ret)
	if err != nil || jobs(plan) != "[done]" || plan.KeptRunning != 2 {
		t.Fatalf("plan: %s, kept running %d, %v", jobs(plan), plan.KeptRunning, err)
	}
	rep, err := db.GC(ctx, ret)
	if err != nil || jobs(rep) != "[done]" || rep.KeptRunning != 2 {
		t.Fatalf("GC: %s, kept running %d, %v", jobs(rep), rep.KeptRunning, err)
	}
	for _, job := range []string{"running", "waiting"} {
		if _, err := db.Run(ctx, job, 0); err != nil {
			t.Errorf("run %s after GC: %v", job, err)
		}
	}
	ret.IncludeRunning = true
	rep, err = db.GC(ctx, ret)
	if err != nil || jobs(rep) != "[running waiting]" || rep.KeptRunning != 0 {
		t.Fatalf("GC with IncludeRunning: %s, kept running %d, %v", jobs(rep), rep.KeptRunning, err)
	}
}
