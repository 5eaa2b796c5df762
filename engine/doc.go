// Package engine is logdb's embeddable storage engine for run logs: the
// lines that jobs, scheduled tasks, pipelines, API calls and functions
// write. Open a directory, append lines, and read any line back fast: by run
// and line range, or by a filter over words, levels, labels and time.
//
//	db, err := engine.Open("logdb-data", nil)
//	if err != nil { … }
//	defer db.Close()
//	lines, err := db.Append(ctx, engine.Entry{Job: "nightly", Level: engine.Error, Message: "timeout"})
//	page, err := db.ReadLines(ctx, engine.ReadRequest{Job: "nightly", Attempt: engine.Latest, From: 1})
//	it, err := db.Query(ctx, engine.Word("timeout"), nil)
//
// # Basics
//
// A run is a (job, attempt) pair; attempts count from 0. Every line of a run
// gets a line number 1, 2, 3 … in append order, without gaps, that never
// changes. An Entry is one line: event time, Level, message and Labels.
//
// Append is acknowledged once durable. ReadLines returns a line range of one
// run with a cursor for the next page. Query returns an Iterator over the
// entries that match a Filter, in time order. Filters are trees of the
// *Filter types; package query parses the filter language into them.
//
// Lines are stored in Badger in compressed column blocks per run, and each
// granule of a few sealed blocks is a document in a Bleve full-text index
// (package index) that narrows which blocks a query reads; every line of
// those blocks is then
// checked exactly, so the index can never change an answer. The index is
// derived data, kept up to date in the background and rebuilt when needed.
// engine/FORMAT.md describes the on-disk format.
//
// # Caveats
//
// A DB is safe for concurrent use; one process at a time may open a
// directory (Open fails with ErrLocked otherwise). An Iterator reads a
// snapshot, is not safe for concurrent use, and must be closed. Entries
// returned share memory with other entries; do not modify them. Reads keep
// recently decoded blocks in memory, up to Options.BlockCacheBytes (32 MiB
// by default). Unix only (the directory lock uses flock).
//
// Unlike STYLE.md's layering, engine imports package index: the engine owns
// the index's lifecycle (catch-up on open, background indexing, rebuild),
// and deciding which blocks a query must read needs both the index and the
// engine's knowledge of blocks not yet indexed. Package index does not import
// engine.
package engine
