package engine_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that Follow passes on every line exactly once and in order while a
// writer appends in small batches, then the run's final state.
func TestDB_Follow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	db := testutil.MustOpenDB(t, &engine.Options{BlockLines: 16})
	appendN(t, db, "j", 0, 1, 5) // history
	const total = 500
	go func() {
		for i := 6; i <= total; i += 7 {
			appendN(t, db, "j", 0, i, min(7, total-i+1))
			time.Sleep(time.Millisecond)
		}
		if err := db.FinishRun(ctx, "j", 0, engine.RunResult{Status: engine.Success}); err != nil {
			t.Error(err)
		}
	}()
	next := int64(1)
	var final *engine.Page
	err := db.Follow(ctx, engine.ReadRequest{Job: "j", Count: 10}, func(p *engine.Page) error {
		for _, e := range p.Entries {
			if e.Line != next || e.Message != fmt.Sprintf("j/0 line %d", next) {
				return fmt.Errorf("got line %d %q, want %d", e.Line, e.Message, next)
			}
			next++
		}
		if p.Status != engine.Running {
			final = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if next != total+1 || final == nil || final.Status != engine.Success || !final.IsEnd {
		t.Fatalf("followed to line %d, final page %+v", next-1, final)
	}
}

// Ensure that Follow waits through a run's Waiting state: it follows a run
// that is triggered but not started until it runs and finishes.
func TestDB_FollowWaiting(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	db := testutil.MustOpenDB(t, nil)
	if _, err := db.StartRun(ctx, engine.RunSpec{Job: "w", Attempt: 0, Waiting: true}); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		appendN(t, db, "w", 0, 1, 3)
		if err := db.FinishRun(ctx, "w", 0, engine.RunResult{Status: engine.Failed}); err != nil {
			t.Error(err)
		}
	}()
	var lines int
	var final engine.RunStatus
	err := db.Follow(ctx, engine.ReadRequest{Job: "w", Count: 10}, func(p *engine.Page) error {
		lines += len(p.Entries)
		final = p.Status
		return nil
	})
	if err != nil || lines != 3 || final != engine.Failed {
		t.Fatalf("Follow of a waiting run: %v, %d lines, final status %v", err, lines, final)
	}
}

// Ensure that a JobChanges channel is closed by every change to its job's
// runs (lines appended, a run started, finished, deleted, a first run
// created) and by Close, and by nothing that happens to other jobs.
func TestDB_JobChanges(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	for _, step := range []struct {
		what string
		do   func() error
		a    bool // closes the channel of job a
	}{
		{"a's first line", func() error { _, err := db.Append(ctx, engine.Entry{Job: "a", Message: "x"}); return err }, true},
		{"b's first line", func() error { _, err := db.Append(ctx, engine.Entry{Job: "b", Message: "x"}); return err }, false},
		{"a line of b", func() error { _, err := db.Append(ctx, engine.Entry{Job: "b", Message: "y"}); return err }, false},
		{"a line of a", func() error { _, err := db.Append(ctx, engine.Entry{Job: "a", Message: "y"}); return err }, true},
		{"b finished", func() error { return db.FinishRun(ctx, "b", 0, engine.RunResult{Status: engine.Success}) }, false},
		{"a finished", func() error { return db.FinishRun(ctx, "a", 0, engine.RunResult{Status: engine.Failed}) }, true},
		{"a retried", func() error { _, err := db.Retry(ctx, "a"); return err }, true},
		{"a/0 deleted", func() error { return db.DeleteRun(ctx, "a", 0) }, true},
		{"ab started", func() error {
			_, err := db.StartRun(ctx, engine.RunSpec{Job: "ab", Attempt: engine.NextAttempt})
			return err
		}, false},
	} {
		ch, all := db.JobChanges("a"), db.Changes()
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		if closed(ch) != step.a {
			t.Errorf("%s: a's channel closed %v, want %v", step.what, closed(ch), step.a)
		}
		if !closed(all) {
			t.Errorf("%s: Changes not closed", step.what)
		}
	}
	ch := db.JobChanges("a")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if !closed(ch) || !closed(db.JobChanges("a")) {
		t.Error("Close left a JobChanges channel open")
	}
}

// Ensure that ChangedJobs lists exactly the jobs changed after a point.
func TestDB_ChangedJobs(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	sorted := func(jobs []string) string { slices.Sort(jobs); return strings.Join(jobs, ",") }
	jobs, p0 := db.ChangedJobs(math.MaxUint64)
	if len(jobs) != 0 {
		t.Fatalf("jobs at the current point: %v", jobs)
	}
	for _, job := range []string{"a", "b", "a"} {
		if _, err := db.Append(ctx, engine.Entry{Job: job, Message: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	jobs, p1 := db.ChangedJobs(p0)
	if sorted(jobs) != "a,b" || p1 <= p0 {
		t.Fatalf("after appends to a and b: %v, point %d → %d", jobs, p0, p1)
	}
	if jobs, p := db.ChangedJobs(p1); len(jobs) != 0 || p != p1 {
		t.Fatalf("nothing changed: %v, point %d → %d", jobs, p1, p)
	}
	if err := db.FinishRun(ctx, "b", 0, engine.RunResult{Status: engine.Success}); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := db.ChangedJobs(p1); sorted(jobs) != "b" {
		t.Fatalf("after finishing b: %v", jobs)
	}
	runs, _, err := db.ChangedRuns(ctx, p1)
	if err != nil || len(runs) != 1 || runs[0].Job != "b" || runs[0].Status != engine.Success {
		t.Fatalf("ChangedRuns after finishing b: %+v %v", runs, err)
	}
	if jobs, _ := db.ChangedJobs(0); sorted(jobs) != "a,b" {
		t.Fatalf("since Open: %v", jobs)
	}
}
