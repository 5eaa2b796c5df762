package main

import (
	"context"
	"fmt"
	"time"
)

const compactUsage = `usage: logdb compact [--dir DIR]

Settles the data directory after a bulk load: seals open run tails, waits
for the full-text index, merges the index into one segment and compacts the
stored blocks, dropping the space of rewritten tails. logdb does this by
itself over time; compact does it now. Queries and reads keep working
meanwhile. Prints the size on disk before and after.
`

func init() {
	register(&command{name: "compact", summary: "settle the data directory after a bulk load", usage: compactUsage, run: runCompact})
}

func runCompact(m *Main, ctx context.Context, g *globals, args []string) error {
	pos, err := parseArgs(newFlagSet("compact", g), args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	db, err := openDB(g, false, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	before, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := db.Compact(ctx); err != nil {
		return err
	}
	after, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	perLine := func(n int64) float64 { return float64(n) / float64(max(after.Lines, 1)) }
	fmt.Fprintf(m.Stderr, "compacted in %v: %d → %d bytes on disk (%.1f → %.1f per line; index %.1f per line)\n",
		time.Since(start).Round(time.Millisecond), before.DiskBytes, after.DiskBytes,
		perLine(before.DiskBytes), perLine(after.DiskBytes), perLine(after.IndexBytes))
	return nil
}
