// Package bench measures logdb on whole workloads: a deterministic synthetic
// workload shaped like real run logs, and the benchmark behind `logdb bench`
// that loads it and times ingest, queries and reads against VictoriaLogs'
// figures and logdb's targets.
//
//	w := bench.Workload{Lines: 1_000_000, Seed: 1, Start: start}
//	w.Generate(func(e *engine.Entry) { … })
//
//	rep, err := bench.Run(ctx, bench.Options{Lines: 1_000_000, Log: os.Stderr})
//	if err != nil { … }
//	rep.WriteTable(os.Stdout) // or WriteJSON, WriteGobench (for benchstat)
//
// # Basics
//
// The workload is about a thousand runs of 100 to 2000 lines, eight running
// at a time so that their lines interleave; levels are 80% Info, 10% Debug,
// 7% Warn and 3% Error; every line has the labels flow, env, app and
// component; messages are 60 to 200 bytes. The word "timeout" is in 0.7% of
// the lines, spread over all runs: the worst case for a block index.
// GenerateJSON writes it as JSON lines (AppendJSON), streaming, for logdb
// and for other tools (ripgrep, SQLite: bench/baseline/run.sh) to load the
// same bytes.
//
// Run writes the workload (or reads a real file, Options.File), loads it
// into a new store in a child process that runs the `logdb ingest`
// pipeline (ingest.Loader) and measures the load (IngestResult); then, in
// its own process, it runs the standard queries through query.Parse and
// query.Run and the reads through engine.ReadLines, warm and many times
// (Timing: p50/p95/p99), and finally times whole `logdb query` and `logdb
// read` processes and a fresh process opening the store. The Report puts
// each figure beside VictoriaLogs' figure and logdb's target (Check).
//
// RunServer is `logdb bench --server`: it measures logdb serve,
// a server of package server in this process or one at an address, through
// package client: batched appends by concurrent clients with followers,
// single-line appends, READs, QUERY pages and all of them at once, with
// requests/s, lines/s and p50/p99 per operation (ServerReport), and checks
// that the store holds exactly the lines acknowledged.
//
// RunsWorkload is a deterministic set of run records: jobs with
// one to five attempts, statuses, exit codes, durations, memory, labels and a
// few lines each, for the benchmarks of run listing (`logdb runs`,
// query.RunRuns, engine.DB.Runs); RunsStore builds it once per test process.
// bench/baseline/runs.sh times it beside SQLite.
//
// # Caveats
//
// The same Workload fields give the same lines, byte for byte, on every
// machine. The entry passed to the callback is reused.
//
// Run starts Options.Exe (by default this executable) with the arguments
// `bench ingest-child …` and `bench open-child …`; a program that calls Run
// must pass those to RunChild, as cmd/logdb does, or the children fail.
// Run needs the store's directory to itself: engine.Open locks it.
//
// VictoriaLogs' figures and the targets are for 1,000,000 lines
// (TargetLines) of the synthetic workload on the project machine (2
// cores): only a run of that workload at that size is judged against them
// (Report.Judged); other sizes and files get the figures beside the
// targets without verdicts. A run with a peer is judged against the peer's
// figures of the same run.
package bench
