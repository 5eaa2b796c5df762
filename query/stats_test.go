package query

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that a stats of count() alone, which the engine counts from its
// summaries, gives what counting every line in the stats stage gives.
func TestStats_CountedByEngine(t *testing.T) {
	ctx := context.Background()
	db := testutil.MustOpenDB(t, nil)
	start := time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC)
	var es []engine.Entry
	for i := range 500 {
		es = append(es, engine.Entry{Job: []string{"api", "etl", "web"}[i%3], Attempt: i % 2, Level: engine.Level(i % 7),
			Time: start.Add(time.Duration(i) * time.Second).UnixNano(), Message: "line"})
	}
	if _, err := db.Append(ctx, es...); err != nil {
		t.Fatal(err)
	}
	// lines hides the engine's Counter, so that the stats stage counts.
	type lines struct{ Source }
	for _, src := range []string{
		"| stats count()", "| stats by (level) count()", "| stats by (job, level) count() as n",
		"level>=Warn | stats by (attempt, job) count() | filter count>10", "nope | stats by (level) count()",
	} {
		got, want := collect(t, db, src), collect(t, lines{db}, src)
		if !slices.Equal(got, want) {
			t.Errorf("%s: counted by the engine\n  %q\nby the stage\n  %q", src, got, want)
		}
	}
}

func collect(t *testing.T, src Source, q string) []string {
	t.Helper()
	rows, err := Run(context.Background(), src, MustParse(q), Options{Location: time.UTC})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		out = append(out, formatRow(rows.Row(), time.UTC))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}
