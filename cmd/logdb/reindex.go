package main

import (
	"context"
	"fmt"
	"time"
)

const reindexUsage = `usage: logdb reindex [--dir DIR]

Rebuilds the full-text index from the stored blocks. The index is derived
data: logdb rebuilds it by itself when it is missing or damaged, and queries
stay correct while it is rebuilt (they scan instead). Use this after
deleting DIR/index by hand, or to compact it.
`

func init() {
	register(&command{name: "reindex", summary: "rebuild the full-text index from the stored lines", usage: reindexUsage, run: runReindex})
}

func runReindex(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("reindex", g)
	pos, err := parseArgs(fs, args)
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
	start := time.Now()
	if err := db.Flush(ctx); err != nil {
		return err
	}
	if err := db.Reindex(ctx); err != nil {
		return err
	}
	st, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "reindexed %d blocks (%d lines) in %v; index is %d bytes\n",
		st.Blocks, st.Lines, time.Since(start).Round(time.Millisecond), st.IndexBytes)
	return nil
}
