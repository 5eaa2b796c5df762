package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that a finished run reports its status, exit code and end, that it
// takes no more lines, that its tail is sealed, and that the state survives
// a reopen.
func TestDB_FinishRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := testutil.MustOpenDBAt(t, dir, &engine.Options{SealAfter: time.Hour})
	appendN(t, db, "j", 0, 1, 10)
	info, err := db.Run(ctx, "j", engine.Latest)
	if err != nil || info.Status != engine.Running || info.Lines != 10 || info.Ended != 0 {
		t.Fatalf("before finish: %+v %v", info, err)
	}
	if err := db.FinishRun(ctx, "j", 0, engine.RunResult{Status: engine.Failed, ExitCode: 2, Message: "boom", Ended: 42}); err != nil {
		t.Fatal(err)
	}
	info, err = db.Run(ctx, "j", 0)
	if err != nil || info.Status != engine.Failed || info.ExitCode != 2 || info.ExitMessage != "boom" || info.Ended != 42 {
		t.Fatalf("after finish: %+v %v", info, err)
	}
	if _, err := db.Append(ctx, engine.Entry{Job: "other"}, engine.Entry{Job: "j", Message: "late"}); !errors.Is(err, engine.ErrRunFinished) {
		t.Fatalf("Append to a finished run: %v", err)
	}
	if _, err := db.Run(ctx, "other", 0); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("a failed Append stored lines of another run: %v", err)
	}
	if err := db.FinishRun(ctx, "j", 0, engine.RunResult{Status: engine.Success}); !errors.Is(err, engine.ErrRunFinished) {
		t.Fatalf("second FinishRun: %v", err)
	}
	if err := db.FinishRun(ctx, "nope", 0, engine.RunResult{Status: engine.Success}); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("FinishRun of a missing run: %v", err)
	}
	st, err := db.Stats(ctx)
	if err != nil || st.UnsealedLines != 0 {
		t.Fatalf("tail not sealed: %+v %v", st, err)
	}
	p, err := db.ReadLines(ctx, engine.ReadRequest{Job: "j"})
	if err != nil || p.Status != engine.Failed || p.EndTime != 42 || len(p.Entries) != 10 || !p.IsEnd {
		t.Fatalf("page: %+v %v", p, err)
	}
	db.Close()
	db = testutil.MustOpenDBAt(t, dir, nil)
	if info, err := db.Run(ctx, "j", 0); err != nil || info.Status != engine.Failed || info.ExitCode != 2 {
		t.Fatalf("after reopen: %+v %v", info, err)
	}
}

// Ensure that Changes wakes a waiter when lines are appended and when a run
// finishes.
func TestDB_Changes(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	ch := db.Changes()
	select {
	case <-ch:
		t.Fatal("closed before any change")
	default:
	}
	appendN(t, db, "j", 0, 1, 1)
	select {
	case <-ch:
	case <-time.After(time.Second):
		t.Fatal("not woken by Append")
	}
	ch = db.Changes()
	if err := db.FinishRun(ctx, "j", 0, engine.RunResult{Status: engine.Success}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(time.Second):
		t.Fatal("not woken by FinishRun")
	}
}

// Ensure that Runs lists every run by job and attempt with its state.
func TestDB_Runs(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	appendN(t, db, "b", 1, 1, 3)
	appendN(t, db, "a", 0, 1, 2)
	appendN(t, db, "b", 0, 1, 1)
	if err := db.FinishRun(ctx, "a", 0, engine.RunResult{Status: engine.Success}); err != nil {
		t.Fatal(err)
	}
	runs, err := db.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, fmt.Sprintf("%s/%d:%d:%s", r.Job, r.Attempt, r.Lines, r.Status))
	}
	if want := "[a/0:2:success b/0:1:running b/1:3:running]"; fmt.Sprint(got) != want {
		t.Fatalf("Runs = %v, want %s", got, want)
	}
}
