package client_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/servertest"
	"github.com/logdb/logdb/internal/testutil"
)

// runStore is what a program that manages runs needs of a store. A DB and
// a Client both have it, with the same signatures.
type runStore interface {
	StartRun(ctx context.Context, spec engine.RunSpec) (engine.RunInfo, error)
	Retry(ctx context.Context, job string) (engine.RunInfo, error)
	FinishRun(ctx context.Context, job string, attempt int, res engine.RunResult) error
	Pin(ctx context.Context, job string, attempt int, pinned bool) error
	DeleteRun(ctx context.Context, job string, attempt int) error
	Run(ctx context.Context, job string, attempt int) (engine.RunInfo, error)
	Runs(ctx context.Context) ([]engine.RunInfo, error)
	Expired(ctx context.Context, r *engine.Retention) (engine.GCReport, error)
	GC(ctx context.Context, r *engine.Retention) (engine.GCReport, error)
}

var (
	_ runStore = (*engine.DB)(nil)
	_ runStore = (*client.Client)(nil)
)

var ctx = context.Background()

// serve serves db on 127.0.0.1:0 until the test ends and returns a client
// of it.
func serve(t *testing.T, db *engine.DB) *client.Client {
	t.Helper()
	_, addr := servertest.Serve(t, db, nil)
	c, err := client.Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dbRun returns the DB's record of a run, labels nil when empty, as the
// client returns them.
func dbRun(t *testing.T, db *engine.DB, job string, attempt int) engine.RunInfo {
	t.Helper()
	info, err := db.Run(ctx, job, attempt)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Labels) == 0 {
		info.Labels = nil
	}
	return info
}

// Ensure that StartRun, Retry, FinishRun, Pin and DeleteRun do through a
// server what they do on the DB, and return the DB's records exactly.
func TestClient_Runs(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	c := serve(t, db)
	t0 := time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC).UnixNano()

	spec := engine.RunSpec{
		Job: "etl", Attempt: engine.NextAttempt, Kind: "scheduled",
		Labels:    engine.Labels{{Name: "flow", Value: "orders"}, {Name: "env", Value: "prod = eu"}},
		Triggered: t0, Started: t0 + 5e9,
	}
	info, err := c.StartRun(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	want := dbRun(t, db, "etl", 0)
	if !reflect.DeepEqual(info, want) {
		t.Fatalf("StartRun:\n got %+v\nwant %+v", info, want)
	}
	if info.Attempt != 0 || info.Kind != "scheduled" || info.Triggered != t0 || info.Started != t0+5e9 || info.Status != engine.Running ||
		!reflect.DeepEqual(info.Labels, engine.Labels{{Name: "env", Value: "prod = eu"}, {Name: "flow", Value: "orders"}}) {
		t.Fatalf("StartRun: %+v", info)
	}
	if info, err = c.StartRun(ctx, engine.RunSpec{Job: "etl", Attempt: 3, Waiting: true}); err != nil || info.Status != engine.Waiting || info.Started != 0 {
		t.Fatalf("StartRun waiting: %+v %v", info, err)
	}
	if _, err := c.StartRun(ctx, engine.RunSpec{Job: "etl", Attempt: 4, Labels: engine.Labels{{Name: "a=b", Value: "c"}}}); err == nil {
		t.Fatal("StartRun sent a label name with '='")
	}
	if _, err := c.StartRun(ctx, engine.RunSpec{Job: "etl", Attempt: engine.Latest}); err == nil {
		t.Fatal("StartRun took the latest attempt")
	}

	res := engine.RunResult{Status: engine.Failed, ExitCode: 137, Message: "oom", Ended: t0 + 7e9, Duration: 1500*time.Millisecond + 1, PeakMemory: 128 << 20}
	if err := c.FinishRun(ctx, "etl", 0, res); err != nil {
		t.Fatal(err)
	}
	got, err := c.Run(ctx, "etl", 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := dbRun(t, db, "etl", 0); !reflect.DeepEqual(got, want) {
		t.Fatalf("Run after FinishRun:\n got %+v\nwant %+v", got, want)
	}
	if got.Status != engine.Failed || got.ExitCode != 137 || got.ExitMessage != "oom" || got.Ended != res.Ended ||
		got.Duration != res.Duration || got.BilledDuration != 1600*time.Millisecond || got.PeakMemory != 128<<20 {
		t.Fatalf("FinishRun: %+v", got)
	}
	if err := c.FinishRun(ctx, "etl", 0, res); !errors.Is(err, engine.ErrRunFinished) {
		t.Fatalf("FinishRun twice: %v", err)
	}
	if err := c.FinishRun(ctx, "etl", 0, engine.RunResult{Status: engine.Running}); err == nil {
		t.Fatal("FinishRun as running")
	}

	// Retry takes the latest attempt's kind and labels: attempt 3's.
	if err := c.FinishRun(ctx, "etl", engine.Latest, engine.RunResult{Status: engine.Canceled}); err != nil {
		t.Fatal(err)
	}
	info, err = c.Retry(ctx, "etl")
	if err != nil || info.Attempt != 4 || info.Status != engine.Running || !reflect.DeepEqual(info, dbRun(t, db, "etl", 4)) {
		t.Fatalf("Retry: %+v %v", info, err)
	}
	if _, err := c.Retry(ctx, "nosuch"); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("Retry of no job: %v", err)
	}

	if err := c.Pin(ctx, "etl", 0, true); err != nil || !dbRun(t, db, "etl", 0).Pinned {
		t.Fatalf("Pin: %v", err)
	}
	if err := c.Pin(ctx, "etl", 0, false); err != nil || dbRun(t, db, "etl", 0).Pinned {
		t.Fatalf("Pin false: %v", err)
	}
	if err := c.Pin(ctx, "etl", 9, true); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("Pin of no run: %v", err)
	}

	if err := c.DeleteRun(ctx, "etl", -1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Run(ctx, "etl", 3); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("DeleteRun -1 left attempt 3: %v", err)
	}
	runs, err := c.Runs(ctx)
	if err != nil || len(runs) != 2 || runs[0].Attempt != 0 || runs[1].Attempt != 4 {
		t.Fatalf("Runs after DeleteRun: %+v %v", runs, err)
	}
}

// Ensure that Expired and GC send the retention exactly (MaxAge, rules,
// forever, IncludeRunning) or none, and return the DB's report.
func TestClient_GC(t *testing.T) {
	db := testutil.MustOpenDB(t, &engine.Options{Retention: &engine.Retention{MaxAge: time.Millisecond, IncludeRunning: true}, GCInterval: -1})
	c := serve(t, db)
	for _, s := range []engine.RunSpec{
		{Job: "ok", Attempt: 0},
		{Job: "bad", Attempt: 0, Labels: engine.Labels{{Name: "flow", Value: "etl-orders"}}},
		{Job: "dev", Attempt: 0, Labels: engine.Labels{{Name: "env", Value: "dev"}}},
		{Job: "keep", Attempt: 0},
	} {
		if _, err := c.StartRun(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AppendText(ctx, "bad", 0, "INFO a", "ERROR b"); err != nil {
		t.Fatal(err)
	}
	for _, job := range []string{"bad", "keep"} {
		if err := c.FinishRun(ctx, job, 0, engine.RunResult{Status: engine.Failed}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Pin(ctx, "keep", 0, true); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)

	rule := func(s string) engine.RetentionRule {
		r, err := engine.ParseRetentionRule(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tt := range []struct {
		name string
		r    *engine.Retention
		want []string // jobs expired
	}{
		{"the server's", nil, []string{"bad", "dev", "ok"}},
		{"default max age", &engine.Retention{}, nil},
		{"forever", &engine.Retention{MaxAge: -1}, nil},
		{"rules", &engine.Retention{MaxAge: 90 * 24 * time.Hour, Rules: []engine.RetentionRule{
			rule("status=failed,canceled flow=etl-*:1ms"), rule("env=dev:forever"), rule("status=running:1ms"),
		}, IncludeRunning: true}, []string{"bad", "ok"}},
		{"running kept", &engine.Retention{MaxAge: time.Millisecond}, []string{"bad"}},
		{"odd max age", &engine.Retention{MaxAge: 36*time.Hour + 1}, nil},
	} {
		got, err := c.Expired(ctx, tt.r)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want, err := db.Expired(ctx, tt.r)
		if err != nil {
			t.Fatal(err)
		}
		if got.Checked != 4 || got.Kept != want.Kept || got.KeptRunning != want.KeptRunning || got.Lines != want.Lines || got.Bytes != want.Bytes || !reflect.DeepEqual(jobs(got.Deleted), tt.want) || !reflect.DeepEqual(jobs(want.Deleted), tt.want) {
			t.Errorf("Expired, %s:\n got %+v\nwant %+v", tt.name, got, want)
		}
	}

	r := &engine.Retention{MaxAge: -1, Rules: []engine.RetentionRule{rule("status=failed:1ms")}}
	plan, err := c.Expired(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.GC(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Checked != 4 || rep.Kept != 1 || rep.Lines != 2 || rep.Bytes != 15 || len(rep.Deleted) != 1 || !reflect.DeepEqual(rep.Deleted, plan.Deleted) {
		t.Fatalf("GC:\n got %+v\nplan %+v", rep, plan)
	}
	if _, err := c.Run(ctx, "bad", 0); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("GC left bad/0: %v", err)
	}
	rep, err = c.GC(ctx, nil)
	if err != nil || !reflect.DeepEqual(jobs(rep.Deleted), []string{"dev", "ok"}) || rep.Kept != 1 {
		t.Fatalf("GC with the server's retention: %+v %v", rep, err)
	}
	if rep, err = c.GC(ctx, nil); err != nil || rep.Deleted != nil || rep.Checked != 1 {
		t.Fatalf("GC with nothing to delete: %+v %v", rep, err)
	}
}

func jobs(runs []engine.RunInfo) []string {
	var out []string
	for _, r := range runs {
		out = append(out, r.Job)
	}
	return out
}
