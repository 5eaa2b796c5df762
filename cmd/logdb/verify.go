package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

const verifyUsage = `usage: logdb verify [--dir DIR]

Checks the whole data directory: every file of the store as it opens, every
run record, and every block of every run (its checksum, that it decodes,
and that a run's blocks hold its lines 1…N without a gap); then that the
full-text index holds every block it should and no other. Prints what it
checked and every damaged range of lines, and exits with status 1 if it
found any. Reads and queries stay correct on a damaged store: they return
the intact lines and name the ones they cannot read; verify lists them all
at once. A damaged index is repaired with 'logdb reindex'; damaged lines
can only come back from a backup.
`

func init() {
	register(&command{name: "verify", summary: "check every block and the index for damage", usage: verifyUsage, run: runVerify})
}

func runVerify(m *Main, ctx context.Context, g *globals, args []string) error {
	pos, err := parseArgs(newFlagSet("verify", g), args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	db, err := openDB(g, false, nil)
	if err != nil {
		return fmt.Errorf("the store cannot be opened: %w", err)
	}
	defer db.Close()
	start := time.Now()
	rep, err := db.Verify(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "checked %d runs, %d blocks, %d lines (%d block bytes) in %v\n",
		rep.Runs, rep.Blocks, rep.Lines, rep.Bytes, time.Since(start).Round(time.Millisecond))
	for _, b := range rep.BadRuns {
		fmt.Fprintf(m.Stdout, "damaged run record: %s\n", b)
	}
	var lost int64
	for _, r := range rep.Damaged {
		fmt.Fprintf(m.Stdout, "damaged: %s\n", r)
		lost += r.Last - r.First + 1
	}
	switch {
	case !rep.IndexChecked:
		fmt.Fprintln(m.Stdout, "index: not checked (it is being built)")
	case rep.IndexMissing > 0 || rep.IndexExtra > 0:
		fmt.Fprintf(m.Stdout, "index: %d blocks missing, %d documents of deleted blocks; run 'logdb reindex'\n", rep.IndexMissing, rep.IndexExtra)
	default:
		fmt.Fprintln(m.Stdout, "index: complete")
	}
	if rep.OK() {
		fmt.Fprintln(m.Stdout, "no damage found")
		return nil
	}
	if len(rep.Damaged) > 0 {
		return fmt.Errorf("%d lines in %d ranges cannot be read; restore the directory from a backup to get them back", lost, len(rep.Damaged))
	}
	return errors.New("damage found")
}
