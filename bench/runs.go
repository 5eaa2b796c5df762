package bench

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/logdb/logdb/engine"
)

// RunsWorkload describes a synthetic set of run records, for the benchmarks
// of run listing (`logdb runs`, query.RunRuns, engine.DB.Runs).
//
// Runs start evenly over Span before Now. About 78% end in success, 17%
// failed (exit 1, 2, 137 or 143) and 5% canceled (exit 130); the newest
// 0.5% are still running. Half the failed or canceled runs are retried by
// the next run, up to five attempts of a job; the job RetriedJob always has
// five (four failed, then a success). Kinds are flow 50%, scheduled 30%,
// api 15%, function 5%; every run has the labels flow (20 flows, 4 of them
// etl-*) and env, and half have app. Each run has 2 to 6 lines; "timeout"
// is in a line of about 40% of the failed runs and 2% of the others.
// Durations run from 100 ms to 10 min, memory from 16 MiB to 4 GiB, both
// log-uniform.
type RunsWorkload struct {
	Runs int
	Seed int64
	// Now is the end of the runs' span: the newest run starts just
	// before it.
	Now time.Time
	// Span is how far back the runs start. Default 7 days.
	Span time.Duration
}

// RetriedJob is a job of every RunsWorkload with five attempts (when Runs is
// at least 5).
const RetriedJob = "job-000001"

// A SyntheticRun is one run of a RunsWorkload.
type SyntheticRun struct {
	Spec   engine.RunSpec
	Lines  []engine.Entry
	Result *engine.RunResult // nil: still running
}

var runKinds = []string{"flow", "flow", "flow", "flow", "flow", "flow", "flow", "flow", "flow", "flow",
	"scheduled", "scheduled", "scheduled", "scheduled", "scheduled", "scheduled", "api", "api", "api", "function"}

// Generate calls fn for every run of the workload, oldest first (a job's
// attempts in order). fn must not keep the run.
func (w *RunsWorkload) Generate(fn func(*SyntheticRun)) {
	r := rand.New(rand.NewSource(w.Seed))
	span := w.Span
	if span == 0 {
		span = 7 * 24 * time.Hour
	}
	step := int64(span) / int64(max(w.Runs, 1))
	start := w.Now.UnixNano() - int64(span)
	running := w.Runs - w.Runs/200
	logUniform := func(lo, hi float64) float64 { return lo * math.Exp(r.Float64()*math.Log(hi/lo)) }

	var (
		sr      SyntheticRun
		res     engine.RunResult
		job     string
		jobs    int
		attempt int
		retry   bool
		labels  engine.Labels
		kind    string
	)
	for i := 0; i < w.Runs; i++ {
		if retry && attempt < 4 {
			attempt++
		} else {
			jobs++
			job, attempt = fmt.Sprintf("job-%06d", jobs), 0
			kind = runKinds[r.Intn(len(runKinds))]
			labels = engine.Labels{{Name: "env", Value: envs[r.Intn(len(envs))]}, {Name: "flow", Value: flows[r.Intn(len(flows))]}}
			if r.Intn(2) == 0 {
				labels = append(engine.Labels{{Name: "app", Value: apps[r.Intn(len(apps))]}}, labels...)
			}
		}
		started := start + int64(i)*step + r.Int63n(max(step, 1))
		sr = SyntheticRun{Spec: engine.RunSpec{
			Job: job, Attempt: attempt, Kind: kind, Labels: labels,
			Triggered: started - r.Int63n(int64(30*time.Second)), Started: started,
		}}
		res = engine.RunResult{
			Status:     engine.Success,
			Duration:   time.Duration(logUniform(float64(100*time.Millisecond), float64(10*time.Minute))),
			PeakMemory: int64(logUniform(16<<20, 4<<30)),
		}
		switch p := r.Intn(100); {
		case job == RetriedJob:
			if attempt < 4 {
				res.Status, res.ExitCode, res.Message = engine.Failed, 1, "exit status 1"
			}
		case p < 17:
			res.Status = engine.Failed
			res.ExitCode = []int64{1, 1, 1, 1, 1, 1, 2, 2, 137, 143}[r.Intn(10)]
			res.Message = fmt.Sprintf("exit status %d", res.ExitCode)
			if res.ExitCode == 137 {
				res.Message = "killed: out of memory"
			}
		case p < 22:
			res.Status, res.ExitCode, res.Message = engine.Canceled, 130, "canceled by user"
		}
		res.Ended = started + int64(res.Duration)
		live := i >= running && job != RetriedJob
		timeout := r.Intn(100) < 2 || res.Status == engine.Failed && r.Intn(10) < 4
		n := 2 + r.Intn(5)
		for l := 0; l < n; l++ {
			e := engine.Entry{Job: job, Attempt: attempt, Level: engine.Info,
				Time: started + int64(res.Duration)*int64(l)/int64(n)}
			switch {
			case l == 0:
				e.Message = fmt.Sprintf("starting %s (%s) on worker-%d", job, kind, r.Intn(64))
			case l < n-1 || live:
				e.Message = fmt.Sprintf("step '%s' completed in %dms", steps[r.Intn(len(steps))], r.Intn(60000))
			case res.Status == engine.Success:
				e.Message = fmt.Sprintf("done: %d rows in %dms", r.Intn(100000), res.Duration.Milliseconds())
			case timeout:
				e.Level, e.Message = engine.Error, fmt.Sprintf("request failed: upstream timeout after %dms calling %s", 30000+r.Intn(1000), hosts[r.Intn(len(hosts))])
			default:
				e.Level, e.Message = engine.Error, fmt.Sprintf("step '%s' failed: %s", steps[r.Intn(len(steps))], res.Message)
			}
			if timeout && res.Status != engine.Failed && l == 1 {
				e.Level, e.Message = engine.Warn, fmt.Sprintf("slow response from %s, read timeout approaching", hosts[r.Intn(len(hosts))])
			}
			sr.Lines = append(sr.Lines, e)
		}
		sr.Result = &res
		if live {
			sr.Result = nil
		}
		fn(&sr)
		retry = sr.Result != nil && sr.Result.Status != engine.Success &&
			(job == RetriedJob || r.Intn(2) == 0)
	}
}

// Load writes the workload into db: each run started with StartRun, its
// lines appended, and, unless still running, finished with FinishRun. Runs
// are written in batches whose lines go in one Append. Load does not flush
// db; call Flush to have every line sealed and indexed.
func (w *RunsWorkload) Load(ctx context.Context, db *engine.DB) error {
	const batch = 1000
	var (
		runs  []SyntheticRun
		lines []engine.Entry
	)
	flush := func() error {
		for i := range runs {
			if _, err := db.StartRun(ctx, runs[i].Spec); err != nil {
				return err
			}
		}
		if _, err := db.Append(ctx, lines...); err != nil {
			return err
		}
		for i := range runs {
			if res := runs[i].Result; res != nil {
				if err := db.FinishRun(ctx, runs[i].Spec.Job, runs[i].Spec.Attempt, *res); err != nil {
					return err
				}
			}
		}
		runs, lines = runs[:0], lines[:0]
		return nil
	}
	var err error
	w.Generate(func(sr *SyntheticRun) {
		if err != nil {
			return
		}
		c := *sr
		if c.Result != nil {
			res := *c.Result
			c.Result = &res
		}
		runs = append(runs, c)
		lines = append(lines, sr.Lines...)
		if len(runs) == batch {
			err = flush()
		}
	})
	if err != nil {
		return err
	}
	return flush()
}

// Build writes the workload into a new store in dir (fsync off, as for a
// bulk load that can be redone), seals and indexes every line, and closes
// the store.
func (w *RunsWorkload) Build(ctx context.Context, dir string) error {
	db, err := engine.Open(dir, &engine.Options{NoSync: true})
	if err != nil {
		return err
	}
	err = w.Load(ctx, db)
	if err == nil {
		err = db.Flush(ctx)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// A RunsStore is a store of a RunsWorkload that the benchmarks of one test
// process share: built on first use, closed and removed by Close (from
// TestMain). Its size is $LOGDB_BENCH_RUNS runs (default 20,000; the
// figures in BENCHMARKS.md use 100,000). With $LOGDB_BENCH_RUNS_DIR set it
// lives in that directory and is kept, and a store already there is used as
// it is (bench/baseline/runs.sh times the binary and SQLite on it).
// A RunsStore is safe for concurrent use.
type RunsStore struct {
	once  sync.Once
	db    *engine.DB
	temp  string        // removed by Close
	built time.Duration // how long Build took; 0 if the store was there
	err   error
}

// Open returns the store, open, building it first if need be.
func (s *RunsStore) Open() (*engine.DB, error) {
	s.once.Do(func() {
		w := RunsWorkload{Runs: 20_000, Seed: 1, Now: time.Now()}
		if n, err := strconv.Atoi(os.Getenv("LOGDB_BENCH_RUNS")); err == nil && n > 0 {
			w.Runs = n
		}
		dir, keep := os.LookupEnv("LOGDB_BENCH_RUNS_DIR")
		if !keep {
			if dir, s.err = os.MkdirTemp("", "logdb-bench-runs"); s.err != nil {
				return
			}
			s.temp = dir
		}
		if _, err := os.Stat(filepath.Join(dir, "data")); err != nil {
			t0 := time.Now()
			if s.err = w.Build(context.Background(), dir); s.err != nil {
				return
			}
			s.built = time.Since(t0)
		}
		s.db, s.err = engine.Open(dir, nil)
	})
	return s.db, s.err
}

// Built returns how long building the store took, or 0 if it was there.
func (s *RunsStore) Built() time.Duration { return s.built }

// Close closes the store if it was opened, and removes it unless it is
// kept.
func (s *RunsStore) Close() error {
	var err error
	if s.db != nil {
		err = s.db.Close()
	}
	if s.temp != "" {
		if rerr := os.RemoveAll(s.temp); err == nil {
			err = rerr
		}
	}
	return err
}
