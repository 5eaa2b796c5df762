package engine_test

import (
	"context"
	"os"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/logdb/logdb/bench"
	"github.com/logdb/logdb/engine"
)

// benchLines is the size of the store the read and query benchmarks use:
// $LOGDB_BENCH_LINES, default 200k (BENCHMARKS.md uses 1M).
func benchLines() int {
	if n, err := strconv.Atoi(os.Getenv("LOGDB_BENCH_LINES")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

var benchStart = time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)

// benchOptions are the options of the store the read and query benchmarks
// use: defaults, but for Options.BlockCacheBytes from
// $LOGDB_BENCH_BLOCK_CACHE (-1 turns the cache off).
func benchOptions() *engine.Options {
	o := &engine.Options{}
	if n, err := strconv.ParseInt(os.Getenv("LOGDB_BENCH_BLOCK_CACHE"), 10, 64); err == nil {
		o.BlockCacheBytes = n
	}
	return o
}

// loadWorkload appends the synthetic workload in batches of 8192 lines.
func loadWorkload(tb testing.TB, db *engine.DB, lines int) (bytes int64) {
	ctx := context.Background()
	w := bench.Workload{Lines: lines, Seed: 1, Start: benchStart}
	batch := make([]engine.Entry, 0, 8192)
	flush := func() {
		if _, err := db.Append(ctx, batch...); err != nil {
			tb.Fatal(err)
		}
		batch = batch[:0]
	}
	w.Generate(func(e *engine.Entry) {
		c := *e
		c.Labels = append(engine.Labels(nil), e.Labels...)
		batch = append(batch, c)
		bytes += int64(len(e.Message))
		if len(batch) == cap(batch) {
			flush()
		}
	})
	flush()
	return bytes
}

// BenchmarkAppend measures durable appends of the synthetic workload in
// batches of 8192 lines; one op is one line.
func BenchmarkAppend(b *testing.B) {
	db, err := engine.Open(b.TempDir(), &engine.Options{NoIndexer: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	w := bench.Workload{Lines: b.N, Seed: 1, Start: benchStart}
	var es []engine.Entry
	var bytes int64
	w.Generate(func(e *engine.Entry) {
		c := *e
		c.Labels = append(engine.Labels(nil), e.Labels...)
		es = append(es, c)
		bytes += int64(len(e.Message))
	})
	b.SetBytes(bytes / int64(max(b.N, 1)))
	b.ReportAllocs()
	b.ResetTimer()
	ctx := context.Background()
	for i := 0; i < len(es); i += 8192 {
		if _, err := db.Append(ctx, es[i:min(i+8192, len(es))]...); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkLoad measures loading the workload until it is durable, sealed
// and in the full-text index, and reports the bytes on disk per line after
// the store is closed. One op is one line; run it with -benchtime=1000000x.
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	db, err := engine.Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	bytes := loadWorkload(b, db, b.N)
	durable := b.Elapsed()
	if err := db.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	db, err = engine.Open(dir, &engine.Options{NoIndexer: true})
	if err != nil {
		b.Fatal(err)
	}
	st, err := db.Stats(context.Background())
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(bytes / int64(b.N))
	b.ReportMetric(float64(b.N)/durable.Seconds(), "durable-lines/s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "indexed-lines/s")
	b.ReportMetric(float64(st.DiskBytes)/float64(b.N), "disk-B/line")
	b.ReportMetric(float64(st.IndexBytes)/float64(b.N), "index-B/line")
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/line")
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var (
	benchOnce sync.Once
	benchDB   *engine.DB
	benchJob  string   // a run of 2000 lines, or the longest
	benchJobs []string // every job, sorted
)

// openBenchDB loads the workload once per process into a store in a
// temporary directory, sealed and indexed.
func openBenchDB(b *testing.B) *engine.DB {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "logdb-bench")
		if err != nil {
			b.Fatal(err)
		}
		db, err := engine.Open(dir, benchOptions())
		if err != nil {
			b.Fatal(err)
		}
		loadWorkload(b, db, benchLines())
		if err := db.Flush(context.Background()); err != nil {
			b.Fatal(err)
		}
		runs := map[string]int{}
		it, _ := db.Query(context.Background(), nil, nil)
		for it.Next() {
			runs[it.Entry().Job]++
		}
		it.Close()
		for job, n := range runs {
			if n > runs[benchJob] {
				benchJob = job
			}
			benchJobs = append(benchJobs, job)
		}
		sort.Strings(benchJobs)
		benchDB = db
	})
	return benchDB
}

// benchReads measures ReadLines of req(i), which must return want lines
// (some, if want is 0).
func benchReads(b *testing.B, req func(i int) engine.ReadRequest, want int) {
	db := openBenchDB(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := db.ReadLines(ctx, req(i))
		if err != nil || len(p.Entries) == 0 || want > 0 && len(p.Entries) != want {
			b.Fatal(err, len(p.Entries))
		}
	}
}

// BenchmarkReadLines measures reading lines 1000–1100 of one run.
func BenchmarkReadLines(b *testing.B) {
	benchReads(b, func(int) engine.ReadRequest {
		return engine.ReadRequest{Job: benchJob, From: 1000, Count: 101}
	}, 101)
}

// BenchmarkReadRun measures reading every line of the longest run in order.
func BenchmarkReadRun(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := db.ReadLines(ctx, engine.ReadRequest{Job: benchJob})
		if err != nil || !p.IsEnd {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadPages measures paging through the longest run 100 lines at a
// time with cursors, as READ … COUNT 100 and `logdb read` do, starting
// again at line 1 after the last page; one op is one page.
func BenchmarkReadPages(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	req := engine.ReadRequest{Job: benchJob, Count: 100}
	lines := 0
	for i := 0; i < b.N; i++ {
		p, err := db.ReadLines(ctx, req)
		if err != nil || len(p.Entries) == 0 {
			b.Fatal(err)
		}
		lines += len(p.Entries)
		req = engine.ReadRequest{Cursor: p.Cursor, Count: 100}
		if p.IsEnd {
			req = engine.ReadRequest{Job: benchJob, Count: 100}
		}
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkReadFirstPages measures reading the first 100 lines of every run
// in turn, a block of each. On the default 200k-line store they all fit in
// the default block cache; with LOGDB_BENCH_BLOCK_CACHE=4194304 none stays
// cached until its turn comes again, so every read decodes (and the cache
// evicts).
func BenchmarkReadFirstPages(b *testing.B) {
	benchReads(b, func(i int) engine.ReadRequest {
		return engine.ReadRequest{Job: benchJobs[i%len(benchJobs)], Count: 100}
	}, 0)
}

// BenchmarkQuery measures the standard queries over the whole store, all
// hits read.
func BenchmarkQuery(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	lastHour := benchStart.Add(23 * time.Hour)
	for _, bc := range []struct {
		name string
		f    engine.Filter
	}{
		{"word", engine.Word("timeout")},
		{"level_job", engine.And(engine.LevelIs(engine.Error), engine.Job(benchJob))},
		{"word_last_hour", engine.And(engine.Word("timeout"), engine.Between(lastHour, time.Time{}))},
		{"phrase", engine.Phrase("connection reset")},
		{"label", engine.And(engine.LabelIs("flow", "etl-orders"), engine.LevelIs(engine.Warn))},
		{"word_hour_cycle", nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for i := 0; i < b.N; i++ {
				f := bc.f
				if f == nil {
					// A different hour each time: on the 1M-line store the
					// blocks of the 24 hours are five times the default
					// block cache, so every block read is a cold one.
					h := benchStart.Add(time.Duration(i%24) * time.Hour)
					f = engine.And(engine.Word("timeout"), engine.Between(h, h.Add(time.Hour)))
				}
				it, err := db.Query(ctx, f, nil)
				if err != nil {
					b.Fatal(err)
				}
				hits = 0
				for it.Next() {
					hits++
				}
				if err := it.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(hits), "hits")
		})
	}
}

// BenchmarkQueryPages measures paging through the hits of a word 100 at a
// time as the server's QUERY … COUNT 100 does: each page runs the query
// again from the time of the last hit returned and skips what it already
// returned; after the last page it starts again. One op is one page.
func BenchmarkQueryPages(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	b.ReportAllocs()
	var (
		since int64 // time of the last hit returned; 0 on the first page
		last  engine.Entry
	)
	for i := 0; i < b.N; i++ {
		f := engine.Word("timeout")
		if since != 0 {
			f = engine.And(f, engine.TimeFilter{Since: since})
		}
		it, err := db.Query(ctx, f, nil)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for n < 100 && it.Next() {
			e := it.Entry()
			if since != 0 && !after(e, &last) {
				continue
			}
			last = *e
			n++
		}
		if err := it.Close(); err != nil {
			b.Fatal(err)
		}
		since = last.Time
		if n < 100 {
			since = 0
		}
	}
}

// after reports whether a comes after b in Query's order.
func after(a, b *engine.Entry) bool {
	switch {
	case a.Time != b.Time:
		return a.Time > b.Time
	case a.Job != b.Job:
		return a.Job > b.Job
	case a.Attempt != b.Attempt:
		return a.Attempt > b.Attempt
	}
	return a.Line > b.Line
}

// BenchmarkCount measures counting: a word over the whole store, and every
// line by level.
func BenchmarkCount(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		f    engine.Filter
	}{
		{"word", engine.Word("timeout")},
		{"all_by_level", nil},
		{"level_job", engine.And(engine.LevelIs(engine.Error), engine.Job(benchJob))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var n int64
			for i := 0; i < b.N; i++ {
				var err error
				if n, err = db.Count(ctx, bc.f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "hits")
		})
	}
}
