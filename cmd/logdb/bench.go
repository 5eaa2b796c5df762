package main

import (
	"context"
	"fmt"
	"time"

	"github.com/logdb/logdb/bench"
	"github.com/logdb/logdb/ingest"
	"github.com/logdb/logdb/internal/outfile"
)

const benchUsage = `usage: logdb bench [all|ingest|query|read] [--lines N] [--seed S] [--end TIME]
                   [--file FILE [--format F]] [--word W] [-o table|json|gobench]
                   [--dir DIR] [--keep] [--reps N] [--time D] [--cli-runs N] [--no-cli]
                   [--peer victoria-logs|PATH] [--plot FILE.svg]
       logdb bench gen [--lines N] [--seed S] [--end TIME] [-o FILE|-] [--force]
       logdb bench --server [ADDR] [--clients K] [--batch B] [--lines N] [--readers R]
                   [--read-count C] [--followers F] [--time D] [-o table|json|gobench]

Measures logdb on a whole workload: by default 1,000,000 lines of the
synthetic run-log workload (about 1000 runs of 100 to 2000 lines, levels
80/10/7/3 % Info/Debug/Warn/Error, labels flow, env, app and component,
messages of 60 to 200 bytes, the word "timeout" in 0.7 % of the lines),
written as JSON lines and loaded into a new store in a temporary directory,
which is removed afterwards. Progress goes to stderr, the report to stdout.

  ingest  writes the JSON file (not timed), then loads it in a child process
          through the pipeline of 'logdb ingest --format json', and reports
          lines/s and MB/s until durable (the load returned: every append
          synced) and until indexed (Flush returned: every line sealed and
          in the full-text index), the time until a query for the last
          line's text finds it, bytes on disk per line after Compact, Close
          and Open, and the child's peak RSS
  query   runs the standard queries in process on the loaded store, warm,
          and reports p50/p95/p99 and hits: the word (all hits), word |
          count, level=Error job=X (X a run of 2000 lines, or the longest),
          the word since=-1h (the data's last hour), | count by level, a
          label filter, a phrase, a regex, a count by job of the Warn and
          Error lines, a count per 5 minutes and level, the 95th
          percentile of a number extracted from the messages, a rare
          word; then times whole 'logdb query' processes and opening the
          store in a fresh process
  read    the same for reads of run X: all its lines, and lines 1000-1100
  all     all three (the default)
  gen     writes the workload as JSON lines (time, level, job, msg, flow,
          env, app, component) to a file or stdout, streaming, for other
          tools to load the same bytes

With --server it measures logdb serve instead: a server in this
process on 127.0.0.1:0 over a new store, or the one at ADDR (which must run
with --rate 0). K clients append --lines lines in batches of B to runs of
their own while F followers follow them (the delay from an append to the
line's arrival); then for --time each: single-line appends, READs of C
lines at random places by R readers, QUERY pages, and all at once. It
reports requests/s, lines/s and p50/p99 latency per operation, and checks
that the store holds exactly the lines acknowledged.

Each figure is shown beside VictoriaLogs' figure and logdb's target: the
figures measured once for 1,000,000 lines of the workload on a 2-core
machine, with a check mark only for a run of the workload at that size
(other sizes and files get the figures without verdicts, and a line that
says so), or with --peer those VictoriaLogs gives in the same run, with
the ratios and check marks. query and read use the store in --dir if it holds lines, and load
one first otherwise.

Flags:
  --lines N        lines of the workload (default 1000000)
  --seed S         seed of the workload (default 1)
  --end TIME       the workload's lines span the 24 hours before TIME, RFC
                   3339 (default now); the same lines, seed and end give the
                   same bytes
  --file FILE      benchmark a log file instead of the workload; the queries
                   use --word, else the file's word of 4 or more letters in
                   closest to 0.7 % of its lines
  --format F       format of --file: auto (default), json, logfmt or text
  --word W         the word of the word queries (default timeout)
  -o FORMAT        table (default), json, or gobench (testing.B lines for
                   benchstat); for gen, the output file (default - : stdout),
                   which must not exist yet unless --force is given
  --dir DIR        keep the store in DIR (default: in the temporary
                   directory; $LOGDB_DIR is not used)
  --keep           keep the temporary directory and say where it is
  --reps N         measured runs of each query or read, at least (default 10)
  --time D         ... and more until D has passed (default 2s)
  --cli-runs N     runs of each whole-process command (default 5)
  --no-cli         skip the whole-process timings
  --exe PATH       the logdb binary for the child processes (default: this one)
  --peer P         also run VictoriaLogs single node on the same JSON lines in
                   the same run (P is victoria-logs, found in $LOGDB_PEERS,
                   ../shared/peers or $PATH, or the path of its binary): one
                   streaming POST to /insert/jsonline with the job as stream
                   field, the time until the last line is visible, its data
                   directory once its merges settle, its peak RSS, and the
                   same queries in LogsQL over HTTP; the report shows both
                   columns and the ratios
  --plot FILE      write an SVG of the load: ingest rate and resident set
                   against the lines loaded, for logdb and the peer, sampled
                   every second (needs the ingest: all or ingest)

Examples:
  logdb bench
  logdb bench query --lines 10000000 -o gobench > new.txt
  logdb bench ingest --lines 200000 -o json
  logdb bench --file ../shared/data/k8s-failure-reproduction/C1_kube-scheduler.log
  logdb bench gen --lines 1000000 -o workload.jsonl
  logdb bench gen --lines 1000 | head -3
  logdb bench --server --clients 16 --batch 500
  logdb bench --file logs.jsonl --format json --peer victoria-logs
`

func init() {
	register(&command{name: "bench", summary: "measure ingest, queries and reads on a whole workload", usage: benchUsage, run: runBench})
}

// benchOptions are the flags of logdb bench.
type benchOptions struct {
	mode   string
	out    string // report format, or gen's output file
	end    string
	format string
	force  bool   // gen may overwrite its output file
	plot   string // --plot: the SVG of the load's progress
	o      bench.Options
}

// Validate checks the flags and fills in o.
func (b *benchOptions) Validate() error {
	if b.mode != "gen" {
		m, err := bench.ParseMode(b.mode)
		if err != nil {
			return err
		}
		b.o.Mode = m
		switch b.out {
		case "":
			b.out = "table"
		case "table", "json", "gobench":
		default:
			return fmt.Errorf("unknown output format %q (want table, json or gobench)", b.out)
		}
	}
	if b.end != "" {
		t, err := time.Parse(time.RFC3339Nano, b.end)
		if err != nil {
			return fmt.Errorf("bad --end %q (want RFC 3339, such as 2025-03-20T00:00:00Z)", b.end)
		}
		b.o.End = t
	}
	if b.plot != "" && b.mode != string(bench.ModeAll) && b.mode != string(bench.ModeIngest) {
		return fmt.Errorf("--plot draws the load, which %s does not measure (use all or ingest)", b.mode)
	}
	if b.mode == "gen" {
		switch {
		case b.o.File != "":
			return fmt.Errorf("gen writes the synthetic workload; --file does not apply")
		case b.o.Lines < 1:
			return fmt.Errorf("--lines must be at least 1, not %d", b.o.Lines)
		}
		return nil
	}
	f, err := ingest.ParseFormat(b.format)
	if err != nil {
		return fmt.Errorf("unknown format %q (want auto, json, logfmt or text)", b.format)
	}
	b.o.Format = f
	return b.o.Validate()
}

func runBench(m *Main, ctx context.Context, g *globals, args []string) error {
	// The child processes that bench starts come back here.
	if len(args) > 0 && bench.IsChild(args[0]) {
		return bench.RunChild(ctx, args, m.Stdout)
	}
	if rest, addr, ok := serverBenchArgs(args); ok {
		return m.benchServer(ctx, g, rest, addr) // see bench_server.go
	}
	fs := newFlagSet("bench", g)
	b := &benchOptions{}
	fs.IntVar(&b.o.Lines, "lines", 1_000_000, "")
	fs.Int64Var(&b.o.Seed, "seed", 1, "")
	fs.StringVar(&b.end, "end", "", "")
	fs.StringVar(&b.o.File, "file", "", "")
	fs.StringVar(&b.format, "format", "auto", "")
	fs.StringVar(&b.o.Word, "word", "", "")
	fs.StringVar(&b.out, "o", "", "")
	fs.BoolVar(&b.o.Keep, "keep", false, "")
	fs.BoolVar(&b.force, "force", false, "")
	fs.IntVar(&b.o.MinReps, "reps", 10, "")
	fs.DurationVar(&b.o.MinTime, "time", 2*time.Second, "")
	fs.IntVar(&b.o.CLIRuns, "cli-runs", 5, "")
	fs.BoolVar(&b.o.NoCLI, "no-cli", false, "")
	fs.StringVar(&b.o.Exe, "exe", "", "")
	fs.StringVar(&b.o.Peer, "peer", "", "")
	fs.StringVar(&b.plot, "plot", "", "")
	globalDir := g.dir
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		b.mode = string(bench.ModeAll)
	case 1:
		b.mode = pos[0]
	default:
		return usagef("unexpected argument %q", pos[1])
	}
	// Only a --dir given for this run names the store: bench must not load
	// its workload into $LOGDB_DIR or ./logdb-data by default.
	if globalDir != m.defaultDir() || isSet(fs, "dir") {
		b.o.Dir = g.dir
	}
	if err := b.Validate(); err != nil {
		return usagef("%v", err)
	}
	if b.mode == "gen" {
		return benchGen(m, b)
	}

	b.o.Log = m.Stderr
	rep, err := bench.Run(ctx, b.o)
	if err != nil {
		return err
	}
	if b.plot != "" {
		if err := writePlot(b.plot, b.force, rep); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "bench: wrote %s\n", b.plot)
	}
	switch b.out {
	case "json":
		return rep.WriteJSON(m.Stdout)
	case "gobench":
		return rep.WriteGobench(m.Stdout)
	}
	return rep.WriteTable(m.Stdout)
}

// benchGen writes the workload as JSON lines.
func benchGen(m *Main, b *benchOptions) error {
	w := b.o.Workload()
	if b.out == "" || b.out == "-" {
		_, err := bench.GenerateJSON(m.Stdout, w, "")
		return err
	}
	f, err := outfile.Create(b.out, outfile.Options{Force: b.force})
	if err != nil {
		return err
	}
	defer f.Abort()
	t := time.Now()
	st, err := bench.GenerateJSON(f, w, "")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", b.out, err)
	}
	if err := f.Commit(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "wrote %d lines (%.1f MB, %d runs, %d with %q) to %s in %v\n",
		st.Lines, float64(st.Bytes)/1e6, st.Runs, st.WordLines, st.Word, b.out, time.Since(t).Round(time.Millisecond))
	return nil
}

// writePlot writes the SVG of rep's load to path, which must not exist yet
// unless force is set.
func writePlot(path string, force bool, rep *bench.Report) error {
	f, err := outfile.Create(path, outfile.Options{Force: force})
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := bench.WritePlot(f, rep); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return f.Commit()
}
