package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/logdb/logdb/bench"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

const demoUsage = `usage: logdb demo [--dir DIR] [--lines N]

Loads a synthetic day of run logs (N lines, default 200000: about 200 runs
of 100 to 2000 lines, eight running at a time, with levels, labels and
messages like real jobs write) into the data directory, unless it already
holds lines, and then runs a short tour of queries and reads with their
timings. The lines end at the current time, so since=-1h finds some.
Afterwards, try your own queries with 'logdb query'.
`

func init() {
	register(&command{name: "demo", summary: "load sample run logs and tour the queries", usage: demoUsage, run: runDemo})
}

func runDemo(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("demo", g)
	lines := fs.Int("lines", 200_000, "")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if *lines < 1000 {
		return usagef("--lines must be at least 1000")
	}
	db, err := openDB(g, true, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	if st.Lines == 0 {
		if err := loadDemo(m, ctx, db, *lines); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(m.Stdout, "%s already holds %d lines; touring those.\n", g.dir, st.Lines)
	}

	// Pick a run to read from: the newest with an error.
	var job string
	it, err := db.Query(ctx, engine.LevelIs(engine.Error), &engine.QueryOptions{Desc: true, Limit: 1})
	if err != nil {
		return err
	}
	if it.Next() {
		job = it.Entry().Job
	}
	if err := it.Close(); err != nil {
		return err
	}
	tour := []string{
		`timeout | count`,
		`level=Error "connection reset" | limit 3`,
		`level>=Warn since=-1h | count by level`,
		`flow=etl-* level=Error | count by flow | limit 5`,
	}
	if job != "" {
		tour = append(tour, fmt.Sprintf(`job=%s level=Error | limit 2 | context 1`, job))
	}
	// Queries over runs, as the console lists scheduled tasks' runs.
	runTour := []string{
		`| count by status`,
		`status=failed since=-6h | sort by duration desc | limit 3 | fields job, start, duration, memory, errors, flow`,
	}
	for i, src := range append(tour, runTour...) {
		overRuns := i >= len(tour)
		cmd := "query"
		if overRuns {
			cmd = "runs"
		}
		fmt.Fprintf(m.Stdout, "\n$ logdb %s '%s'\n", cmd, src)
		t0 := time.Now()
		q, err := query.Parse(src)
		if err != nil {
			return err
		}
		run := query.Run
		if overRuns {
			run = func(ctx context.Context, _ query.Source, q *query.Query, opts query.Options) (*query.Rows, error) {
				return query.RunRuns(ctx, db, q, opts)
			}
		}
		rows, err := run(ctx, db, q, query.Options{})
		if err != nil {
			return err
		}
		w, _ := output.New(m.Stdout, output.Options{Format: "table", Location: time.Local, Runs: overRuns})
		for rows.Next() {
			if err := w.Write(rows.Row()); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		w.Flush()
		fmt.Fprintf(m.Stdout, "(%v)\n", time.Since(t0).Round(10*time.Microsecond))
	}
	if job != "" {
		fmt.Fprintf(m.Stdout, "\n$ logdb read --job %s --from 100 --count 3\n", job)
		t0 := time.Now()
		p, err := db.ReadLines(ctx, engine.ReadRequest{Job: job, Attempt: engine.Latest, From: 100, Count: 3})
		if err != nil {
			return err
		}
		for _, e := range p.Entries {
			fmt.Fprintln(m.Stdout, e.Message)
		}
		fmt.Fprintf(m.Stdout, "(%v; the run has %d lines)\n", time.Since(t0).Round(10*time.Microsecond), p.LineCount)
	}
	fmt.Fprintf(m.Stdout, "\nThe data is in %s. Next: logdb with no arguments opens the shell on it; logdb help lists the commands.\n", g.dir)
	return nil
}

func loadDemo(m *Main, ctx context.Context, db *engine.DB, lines int) error {
	fmt.Fprintf(m.Stdout, "Loading %d lines of synthetic run logs…\n", lines)
	t0 := time.Now()
	w := bench.Workload{Lines: lines, Seed: 1, Start: t0.Add(-24 * time.Hour), Span: 24 * time.Hour}
	batch := make([]engine.Entry, 0, ingest.LoadBatchLines)
	var err error
	runs := map[string]bool{}
	w.Generate(func(e *engine.Entry) {
		if err != nil {
			return
		}
		c := *e
		c.Labels = append(engine.Labels(nil), e.Labels...)
		runs[c.Job] = true
		batch = append(batch, c)
		if len(batch) == cap(batch) {
			_, err = db.Append(ctx, batch...)
			batch = batch[:0]
		}
	})
	if err == nil {
		_, err = db.Append(ctx, batch...)
	}
	if err != nil {
		return err
	}
	stored := time.Since(t0)
	if err := db.Flush(ctx); err != nil {
		return err
	}
	if err := finishDemoRuns(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Stored %d lines in %d runs in %v, indexed after %v.\n", lines, len(runs),
		stored.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
	fmt.Fprintln(m.Stdout, strings.Repeat("─", 60))
	return nil
}

// finishDemoRuns gives the demo's runs the records a scheduler would: each
// started at its first line and, but for the newest few, which are still
// running, ended at its last, failed (exit 1) if at least 4% of its lines
// are errors (about one run in twelve), with a peak memory that varies from
// run to run.
func finishDemoRuns(ctx context.Context, db *engine.DB) error {
	runs, err := db.Runs(ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(runs, func(a, b engine.RunInfo) int { return cmp.Compare(a.LastTime, b.LastTime) })
	const running = 8
	for i, r := range runs {
		if _, err := db.StartRun(ctx, engine.RunSpec{Job: r.Job, Attempt: r.Attempt, Kind: "scheduled", Started: r.FirstTime}); err != nil {
			return err
		}
		if i >= len(runs)-running {
			continue
		}
		res := engine.RunResult{Status: engine.Success, Ended: r.LastTime, PeakMemory: int64(64+(i*37)%448) << 20}
		if errs := r.Levels[engine.Error] + r.Levels[engine.Fatal]; errs*25 >= r.Lines {
			res.Status, res.ExitCode, res.Message = engine.Failed, 1, "exit status 1"
		}
		if err := db.FinishRun(ctx, r.Job, r.Attempt, res); err != nil {
			return err
		}
	}
	return nil
}
