package main

import (
	"context"
	"fmt"
	"time"

	"github.com/logdb/logdb/engine"
)

const compactUsage = `usage: logdb compact [--dir DIR]

Compacts the data directory to its smallest: seals open run tails, waits
for the full-text index, merges the index into one segment and compacts the
stored blocks, dropping the space of rewritten tails and deleted runs.
logdb ingest leaves a store settled (each run's lines written once, the
index's small segments merged), and logdb serve settles by itself once
appends pause; compact is for the rest, such as after deleting many runs.
Queries and reads keep working meanwhile. Prints the size on disk before
and after.
`

func init() {
	register(&command{name: "compact", summary: "compact the data directory to its smallest", usage: compactUsage, run: runCompact})
}

func runCompact(m *Main, ctx context.Context, g *globals, args []string) error {
	pos, err := parseArgs(newFlagSet("compact", g), args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	// Sizes are measured closed: an open store holds its active logs
	// allocated ahead of the writes.
	before := engine.DiskUsage(g.dir)
	db, err := openDB(g, false, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Compact(ctx); err != nil {
		return err
	}
	after, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if err := db.Close(); err != nil {
		return err
	}
	disk := engine.DiskUsage(g.dir)
	perLine := func(n int64) float64 { return float64(n) / float64(max(after.Lines, 1)) }
	fmt.Fprintf(m.Stderr, "compacted in %v: %d → %d bytes on disk (%.1f → %.1f per line; index %.1f per line)\n",
		took.Round(time.Millisecond), before, disk, perLine(before), perLine(disk), perLine(after.IndexBytes))
	return nil
}
