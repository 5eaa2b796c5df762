// Package bench measures logdb: a deterministic synthetic workload shaped
// like real run logs, and (with later issues) the whole-workload benchmark
// behind `logdb bench`.
//
//	w := bench.Workload{Lines: 1_000_000, Seed: 1, Start: start}
//	w.Generate(func(e *engine.Entry) { … })
//
// # Basics
//
// The workload is about a thousand runs of 100 to 2000 lines, eight running
// at a time so that their lines interleave; levels are 80% Info, 10% Debug,
// 7% Warn and 3% Error; every line has the labels flow, env, app and
// component; messages are 60 to 200 bytes. The word "timeout" is in 0.7% of
// the lines, spread over all runs: the worst case for a block index.
//
// # Caveats
//
// The same Workload fields give the same lines, byte for byte, on every
// machine. The entry passed to the callback is reused.
package bench
