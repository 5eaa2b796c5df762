package bench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/logdb/logdb/engine"
)

// Run runs the benchmark o describes and returns its report. It works in
// a new temporary directory, removed afterwards unless o.Keep; the store
// goes there too unless o.Dir names one.
//
// The load runs in a child process (o.Exe with the arguments `bench
// ingest-child …`, which RunChild serves), so that its peak RSS is its own;
// queries and reads run in this process on the loaded store, warm; the
// whole-process timings run o.Exe as `logdb query` and `logdb read`.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o.ensureDefaults()
	if o.Exe == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errNoExe, err)
		}
		o.Exe = exe
	}
	if o.Peer != "" {
		// Before the load, which may take many minutes.
		if _, err := findPeer(o.Peer); err != nil {
			return nil, err
		}
	}
	rep := &Report{Command: string(o.Mode), Time: time.Now().UTC().Truncate(time.Second), Machine: machineInfo()}

	work, err := os.MkdirTemp("", "logdb-bench-")
	if err != nil {
		return nil, err
	}
	if o.Keep {
		defer fmt.Fprintf(o.Log, "bench: kept %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}
	dir := o.Dir
	if dir == "" {
		dir = filepath.Join(work, "store")
	}

	loaded, err := storeLines(dir)
	if err != nil {
		return nil, err
	}
	var d *Dataset
	switch {
	case loaded > 0 && (o.Mode.ingest() || o.File != ""):
		return nil, fmt.Errorf("%s already holds %d lines: ingest needs an empty or new --dir (to measure queries on it: logdb bench query --dir %s)", dir, loaded, dir)
	case loaded > 0:
		fmt.Fprintf(o.Log, "bench: using the %d lines in %s\n", loaded, dir)
		d = &Dataset{Source: dir, Word: o.Word, WordLines: -1}
		if d.Word == "" {
			d.Word = "timeout"
		}
	default:
		if d, err = prepare(&o, work); err != nil {
			return nil, err
		}
		rep.PreparePeakRSS = peakRSS()
		fmt.Fprintf(o.Log, "bench: loading %s (%d lines, %.1f MB) in a child process…\n", d.File, d.Lines, float64(d.Bytes)/1e6)
		res, err := runIngest(ctx, &o, d, dir)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(o.Log, "bench: durable after %.2fs (%.0f lines/s), indexed after %.2fs (%.0f lines/s), compacted in %.2fs; %.1f B/line on disk, peak RSS %d MiB\n",
			res.DurableSec, res.DurableLinesPerSec, res.IndexedSec, res.IndexedLinesPerSec, res.CompactSec, res.DiskBytesPerLine, res.PeakRSSIndexed>>20)
		if res.Lines != d.Lines {
			rep.Notes = append(rep.Notes, fmt.Sprintf("the load stored %d lines of the %d read before it (%d rejected)", res.Lines, d.Lines, res.Rejected))
		}
		if o.Mode.ingest() {
			rep.Ingest = res
		}
	}

	if o.Mode.query() || o.Mode.read() {
		if err := measureStore(ctx, &o, d, dir, rep); err != nil {
			return nil, err
		}
	}
	if o.Peer != "" {
		if rep.Peer, err = runVictoriaLogs(ctx, &o, d, work); err != nil {
			return nil, err
		}
	}
	rep.Dataset = *d
	rep.Checks, rep.Judged = checks(rep), judged(rep)
	rep.BenchPeakRSS = peakRSS()
	return rep, nil
}

// prepare writes the workload, or reads the file, that the load ingests.
func prepare(o *Options, work string) (*Dataset, error) {
	t := time.Now()
	if o.File != "" {
		fmt.Fprintf(o.Log, "bench: reading %s…\n", o.File)
		d, err := scanFile(o.File, o.Format, o.Word)
		if err != nil {
			return nil, err
		}
		if d.Lines == 0 {
			return nil, fmt.Errorf("%s has no lines", o.File)
		}
		if d.Word == "" {
			return nil, fmt.Errorf("%s has no word of 4 letters or more to search for; pass --word", o.File)
		}
		fmt.Fprintf(o.Log, "bench: %s: %d lines in %d runs, format %s; word %q in %d lines\n", o.File, d.Lines, d.Runs, d.Format, d.Word, d.WordLines)
		return d, nil
	}
	fmt.Fprintf(o.Log, "bench: writing %d lines of the synthetic workload (random seed %d)…\n", o.Lines, o.Seed)
	d, err := writeWorkload(o, work)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Log, "bench: wrote %.1f MB of JSON in %v\n", float64(d.Bytes)/1e6, time.Since(t).Round(time.Millisecond))
	return d, nil
}

// measureStore runs the query and read mix on the store in dir, in this
// process, and then the whole-process timings.
func measureStore(ctx context.Context, o *Options, d *Dataset, dir string, rep *Report) error {
	db, err := engine.Open(dir, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := describeStore(ctx, db, d); err != nil {
		return fmt.Errorf("cannot describe the store: %w", err)
	}
	fmt.Fprintf(o.Log, "bench: run %s/%d has %d lines; newest line %s\n", d.Job, d.Attempt, d.JobLines, d.Now.Format(time.RFC3339))

	var figs []figure
	if o.Mode.query() {
		figs = append(figs, queryFigures(d)...)
	}
	if o.Mode.read() {
		figs = append(figs, readFigures(d)...)
	}
	for i := range figs {
		t, err := measure(ctx, o, db, d, &figs[i])
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "bench: %-5s %-40s %7d hits  p50 %s  p95 %s  (%d runs)\n", t.Kind, clip(t.What, 40), t.Hits, fmtMs(t.P50Ms), fmtMs(t.P95Ms), t.Reps)
		rep.Queries = append(rep.Queries, t)
	}
	// The whole-process runs need the directory: this process must let go.
	if err := db.Close(); err != nil {
		return err
	}
	for i := range figs {
		if figs[i].cli == nil || o.NoCLI {
			continue
		}
		t, err := timeCLI(ctx, o, dir, &figs[i])
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "bench: %-46s median %s\n", clip(t.What, 46), fmtMs(t.P50Ms))
		rep.CLI = append(rep.CLI, t)
	}
	if o.Mode.query() {
		src := "level=Error job=" + quoteValue(d.Job)
		ot, err := timeOpen(ctx, o, dir, src)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "bench: fresh process: open %s, first query %s, close %s\n", fmtMs(ot.OpenSec*1e3), fmtMs(ot.QuerySec*1e3), fmtMs(ot.CloseSec*1e3))
		rep.Open = ot
	}
	return nil
}

// storeLines returns the number of lines in the store in dir, 0 if there
// is none.
func storeLines(dir string) (int64, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || err == nil && len(ents) == 0 {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err != nil {
		return 0, fmt.Errorf("%s is neither empty nor a logdb data directory", dir)
	}
	db, err := engine.Open(dir, &engine.Options{NoIndexer: true})
	if err != nil {
		return 0, fmt.Errorf("cannot open %s: %w", dir, err)
	}
	defer db.Close()
	st, err := db.Stats(context.Background())
	return st.Lines, err
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
