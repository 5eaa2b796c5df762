package engine_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that StartRun, Append, Retry and FinishRun keep a run's record:
// kind, labels (given, or from the first line), status, times, durations
// billed in 100 ms steps, memory, and attempts counting up.
func TestDB_RunRecords(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)

	info, err := db.StartRun(ctx, engine.RunSpec{Job: "etl", Attempt: engine.NextAttempt, Kind: "scheduled",
		Labels: engine.Labels{{Name: "flow", Value: "etl-orders"}}, Triggered: 100, Waiting: true})
	if err != nil || info.Attempt != 0 || info.Status != engine.Waiting || info.Kind != "scheduled" || info.Triggered != 100 {
		t.Fatalf("StartRun: %+v %v", info, err)
	}
	if _, err := db.Append(ctx, engine.Entry{Job: "etl", Message: "go", Labels: engine.Labels{{Name: "flow", Value: "other"}}}); err != nil {
		t.Fatal(err)
	}
	info, _ = db.Run(ctx, "etl", 0)
	if info.Status != engine.Running || info.Labels[0].Value != "etl-orders" || info.Lines != 1 {
		t.Fatalf("after the first line: %+v", info)
	}
	err = db.FinishRun(ctx, "etl", 0, engine.RunResult{Status: engine.Failed, ExitCode: 1, Duration: 2735 * time.Microsecond, PeakMemory: 131072})
	if err != nil {
		t.Fatal(err)
	}
	info, _ = db.Run(ctx, "etl", engine.Latest)
	if info.Duration != 2735*time.Microsecond || info.BilledDuration != 100*time.Millisecond || info.PeakMemory != 131072 || info.ExitCode != 1 {
		t.Fatalf("finished: %+v", info)
	}

	retry, err := db.Retry(ctx, "etl")
	if err != nil || retry.Attempt != 1 || retry.Status != engine.Running || retry.Kind != "scheduled" || retry.Labels[0].Value != "etl-orders" {
		t.Fatalf("Retry: %+v %v", retry, err)
	}
	if _, err := db.Retry(ctx, "nope"); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("Retry of a missing job: %v", err)
	}
	if _, err := db.StartRun(ctx, engine.RunSpec{Job: "etl", Attempt: 0}); !errors.Is(err, engine.ErrRunFinished) {
		t.Fatalf("StartRun of a finished run: %v", err)
	}
	if prev, err := db.Run(ctx, "etl", -1); err != nil || prev.Attempt != 0 {
		t.Fatalf("attempt -1: %+v %v", prev, err)
	}

	// A run made by Append alone takes the first line's labels, and its
	// duration is from its first append to its end.
	if _, err := db.Append(ctx, engine.Entry{Job: "api", Message: "GET /", Labels: engine.Labels{{Name: "app", Value: "gw"}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, "api", 0, engine.RunResult{Status: engine.Success}); err != nil {
		t.Fatal(err)
	}
	info, _ = db.Run(ctx, "api", 0)
	if v, _ := info.Labels.Get("app"); v != "gw" || info.Started == 0 || info.Ended < info.Started || info.BilledDuration%(100*time.Millisecond) != 0 {
		t.Fatalf("api run: %+v", info)
	}

	if err := db.Pin(ctx, "api", 0, true); err != nil {
		t.Fatal(err)
	}
	if info, _ := db.Run(ctx, "api", 0); !info.Pinned {
		t.Fatal("not pinned")
	}
	if err := db.DeleteRun(ctx, "etl", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Run(ctx, "etl", 0); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("deleted run: %v", err)
	}
	if info, err := db.Run(ctx, "etl", engine.Latest); err != nil || info.Attempt != 1 {
		t.Fatalf("latest after deleting attempt 0: %+v %v", info, err)
	}
}

// Ensure that Runs lists every run by job and attempt whatever order they
// were made in, and that JobRuns lists one job's, by attempt, not those of
// a job whose name it prefixes.
func TestDB_Runs_Order(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	for _, r := range []struct {
		job     string
		attempt int
	}{{"b", 1}, {"ab", 0}, {"a", 0}, {"b", 0}, {"c", 0}, {"a", 2}, {"a", 1}} {
		if _, err := db.StartRun(ctx, engine.RunSpec{Job: r.job, Attempt: r.attempt, Kind: "k" + r.job}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteRun(ctx, "c", 0); err != nil {
		t.Fatal(err)
	}
	names := func(runs []engine.RunInfo) (s string) {
		for _, r := range runs {
			s += fmt.Sprintf(" %s/%d", r.Job, r.Attempt)
			if got, err := db.Run(ctx, r.Job, r.Attempt); err != nil || !reflect.DeepEqual(got, r) {
				t.Errorf("%s/%d: %+v, Run gives %+v %v", r.Job, r.Attempt, r, got, err)
			}
		}
		return s
	}
	runs, err := db.Runs(ctx)
	if got, want := names(runs), " a/0 a/1 a/2 ab/0 b/0 b/1"; err != nil || got != want {
		t.Errorf("Runs: %s, %v; want %s", got, err, want)
	}
	for job, want := range map[string]string{"a": " a/0 a/1 a/2", "b": " b/0 b/1", "c": "", "nope": ""} {
		runs, err := db.JobRuns(ctx, job)
		if got := names(runs); err != nil || got != want {
			t.Errorf("JobRuns(%q): %s, %v; want %s", job, got, err, want)
		}
	}
}
