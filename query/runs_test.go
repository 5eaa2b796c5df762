package query

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// runsFixture makes runs with known records in a real engine:
//
//	job      attempt status   exit duration memory flow        lines (timeout lines)
//	etl-a    0       failed   1    1200ms   64MiB  etl-orders  3 (1)
//	etl-a    1       success  0    800ms    32MiB  etl-orders  2 (0)
//	etl-b    0       failed   2    3000ms   128MiB etl-users   2 (2)
//	api      0       success  0    35ms     1MiB   gateway     1 (0)
//	nightly  0       running  –    –        –      etl-orders  1 (0)
func runsFixture(t testing.TB) *engine.DB {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	day := func(d int) int64 { return time.Date(2025, 3, 20+d, 10, 0, 0, 0, time.UTC).UnixNano() }
	type fx struct {
		job     string
		start   int64
		status  engine.RunStatus
		exit    int64
		dur     time.Duration
		mem     int64
		flow    string
		msgs    []string
		attempt int
	}
	for _, f := range []fx{
		{"etl-a", day(0), engine.Failed, 1, 1200 * time.Millisecond, 64 << 20, "etl-orders", []string{"start", "read timeout", "ERROR give up"}, 0},
		{"etl-a", day(1), engine.Success, 0, 800 * time.Millisecond, 32 << 20, "etl-orders", []string{"start", "done"}, 1},
		{"etl-b", day(2), engine.Failed, 2, 3 * time.Second, 128 << 20, "etl-users", []string{"timeout 1", "timeout 2"}, 0},
		{"api", day(3), engine.Success, 0, 35 * time.Millisecond, 1 << 20, "gateway", []string{"GET /"}, 0},
		{"nightly", day(4), engine.Running, 0, 0, 0, "etl-orders", []string{"tick"}, 0},
	} {
		_, err := db.StartRun(ctx, engine.RunSpec{Job: f.job, Attempt: f.attempt, Kind: "flow", Labels: engine.Labels{{Name: "flow", Value: f.flow}}, Started: f.start})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range f.msgs {
			if _, err := db.Append(ctx, engine.Entry{Job: f.job, Attempt: f.attempt, Message: m, Time: f.start}); err != nil {
				t.Fatal(err)
			}
		}
		if f.status.Finished() {
			if err := db.FinishRun(ctx, f.job, f.attempt, engine.RunResult{Status: f.status, ExitCode: f.exit, Duration: f.dur, PeakMemory: f.mem}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db
}

func runRows(t *testing.T, db RunSource, src string) string {
	t.Helper()
	q, err := Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	now := time.Date(2025, 3, 25, 0, 0, 0, 0, time.UTC)
	rows, err := RunRuns(context.Background(), db, q, Options{Now: now, Location: time.UTC})
	if err != nil {
		t.Fatalf("run %q: %v", src, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		r := rows.Row()
		cols := r.Columns
		var parts []string
		for i, c := range cols {
			if c == "job" || c == "attempt" || c == "status" || c == "count" || c == "hits" || c == "duration" || len(cols) <= 3 {
				parts = append(parts, fmt.Sprint(r.Values[i]))
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("run %q: %v", src, err)
	}
	return strings.Join(out, "; ")
}

// Ensure that every shape of query over runs gives the answer worked out by
// hand from the fixture.
func TestRunRuns(t *testing.T) {
	db := runsFixture(t)
	for _, tc := range []struct{ query, want string }{
		{"", "nightly 0 running 0; api 0 success 35; etl-b 0 failed 3000; etl-a 1 success 800; etl-a 0 failed 1200"},
		{"status=failed", "etl-b 0 failed 3000; etl-a 0 failed 1200"},
		{"status=failed flow=etl-*", "etl-b 0 failed 3000; etl-a 0 failed 1200"},
		{"exit!=0", "etl-b 0 failed 3000; etl-a 0 failed 1200"},
		{"exit=0 status!=running", "api 0 success 35; etl-a 1 success 800"},
		{"| sort by duration desc | limit 2", "etl-b 0 failed 3000; etl-a 0 failed 1200"},
		{"| sort by duration desc | offset 1 | limit 2", "etl-a 0 failed 1200; etl-a 1 success 800"},
		{"| count by status", "failed 2; success 2; running 1"},
		{"| count", "5"},
		{"since=2025-03-22", "nightly 0 running 0; api 0 success 35; etl-b 0 failed 3000"},
		{"since=-2d", "nightly 0 running 0; api 0 success 35"},
		{"during=yesterday", "nightly 0 running 0"},
		{"duration>=1s", "etl-b 0 failed 3000; etl-a 0 failed 1200"},
		{"memory>64MiB", "etl-b 0 failed 3000"},
		{"duration>35 duration<800.5", "etl-a 1 success 800"},
		{"duration<=0.035s", "nightly 0 running 0; api 0 success 35"},
		{"job=etl-a attempt=latest", "etl-a 1 success 800"},
		{"job=etl-a attempt=-1", "etl-a 0 failed 1200"},
		{"HAVING timeout", "etl-b 0 failed 3000 2; etl-a 0 failed 1200 1"},
		{"status=failed HAVING timeout | sort by hits desc | limit 1", "etl-b 0 failed 3000 2"},
		{"flow=etl-orders OR flow=gateway | count", "4"},
		{"NOT status=success | fields job, status", "nightly running; etl-b failed; etl-a failed"},
		{"job=api | fields job, pinned, nosuch", "api false "},
		{"job=api | sort by trigger, nosuch | count by nosuch", " 1"},
	} {
		if got := runRows(t, db, tc.query); got != tc.want {
			t.Errorf("runs %q:\n got %s\nwant %s", tc.query, got, tc.want)
		}
	}
	for _, bad := range []string{"timeout", "level=Error", "status=done", "duration>soon", "| context 2"} {
		q, err := Parse(bad)
		if err == nil {
			_, err = RunRuns(context.Background(), db, q, Options{})
		}
		if err == nil {
			t.Errorf("runs %q: no error", bad)
		}
	}
	// HAVING is for runs only.
	if _, err := Run(context.Background(), db, MustParse("x HAVING y"), Options{}); err == nil || !strings.Contains(err.Error(), "logdb runs") {
		t.Errorf("HAVING in a line query: %v", err)
	}
}

// Ensure that a filter on one job, which reads only that job's runs, gives
// what filtering every run gives.
func TestRunRuns_OneJob(t *testing.T) {
	db := runsFixture(t)
	// allRuns hides JobRuns, so that RunRuns lists every run.
	type allRuns struct{ RunSource }
	for _, src := range []string{
		"job=etl-a", "job=etl-a attempt=latest", "job=etl-a attempt=-1", "(job=etl-a status=failed) exit=1",
		"status=failed job=etl-b", "job=etl-a HAVING timeout", "job=etl-a | count by status", "job=nosuch",
		"job=etl-a OR job=api", "NOT job=etl-a", "job=etl-* attempt=latest", "job=etl-a job=etl-b",
	} {
		if got, want := runRows(t, db, src), runRows(t, allRuns{db}, src); got != want {
			t.Errorf("runs %q:\n got %s\nwant %s", src, got, want)
		}
	}
	if _, ok := exactJob(MustParse("job=etl-a OR job=api").Filter); ok {
		t.Error("exactJob of an OR")
	}
	if job, ok := exactJob(MustParse("status=failed (job=etl-a exit=1)").Filter); !ok || job != "etl-a" {
		t.Errorf("exactJob: %q %v", job, ok)
	}
}

// FuzzRunRuns checks that no query makes a query over runs, or over lines,
// panic: whatever Parse accepts runs to the end or fails with an error.
func FuzzRunRuns(f *testing.F) {
	for _, s := range roundTripInputs {
		f.Add(s)
	}
	for _, s := range []string{"status=failed HAVING timeout | sort by hits desc", "| fields trigger, x | count by x",
		"duration>1.5 memory<=1GiB | sort by pinned", "attempt=-1 | count by status, flow"} {
		f.Add(s)
	}
	db := runsFixture(f)
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		opts := Options{Now: testNow, Location: time.UTC}
		for _, run := range []func(context.Context, RunSource, *Query, Options) (*Rows, error){RunRuns, func(ctx context.Context, src RunSource, q *Query, opts Options) (*Rows, error) {
			return Run(ctx, src, q, opts)
		}} {
			rows, err := run(ctx, db, q, opts)
			if err != nil {
				continue
			}
			for rows.Next() {
				_ = rows.Row()
			}
			_ = rows.Err()
			rows.Close()
		}
	})
}

// Ensure that stats, top, filter, ranges and in lists over runs give the
// answers worked out by hand from the fixture.
func TestRunRuns_Stats(t *testing.T) {
	db := runsFixture(t)
	for _, tc := range []struct{ query, want string }{
		{"status=failed | stats by (flow) count(), quantile(0.9, duration)", "etl-orders 1 1200; etl-users 1 3000"},
		{"| stats by (flow) count(), max(duration)", "etl-orders 3 1200; etl-users 1 3000; gateway 1 35"},
		{"status!=running | stats median(duration), sum(memory), count_uniq(flow)", "1000 235929600 3"},
		// Buckets of several days count from 1 January 1970.
		{"| stats by (start:2d) count()", "2025-03-19 00:00:00 +0000 UTC 1; 2025-03-21 00:00:00 +0000 UTC 2; 2025-03-23 00:00:00 +0000 UTC 2"},
		{"| top 1 by (flow)", "etl-orders 3"},
		{"| uniq by (status)", "failed; running; success"},
		{"status in (failed, running) | count", "3"},
		{"duration:[800, 1200] | count", "2"},
		{"duration:(800, 1.2s] | count", "1"},
		{"| stats by (status) count() | filter count>1 | sort by (count desc, status)", "failed 2; success 2"},
		{"| field_values flow", "etl-orders 3; etl-users 1; gateway 1"},
	} {
		if got := runRows(t, db, tc.query); got != tc.want {
			t.Errorf("runs %q:\n got %s\nwant %s", tc.query, got, tc.want)
		}
	}
}
