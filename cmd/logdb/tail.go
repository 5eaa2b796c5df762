package main

import (
	"context"
	"fmt"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

const tailUsage = `usage: logdb tail --job JOB [--attempt A] [--from N] [--level L] [-o raw|json|table|csv]

Follows a run: prints its lines from --from (default 1), then new lines as
they are appended, until the run finishes ('logdb run finish'); then prints
how it ended on stderr and exits with status 0 if it succeeded, 1 if it
failed or was canceled. Ctrl-C stops following (status 130).

Flags:
  --job JOB      the run's job (required)
  --attempt A    a number from 0, latest (default) or -K
  --from N       first line to print (default 1)
  --level L      only lines of level L or more severe; "=L" for exactly L
  -o FORMAT      raw: the messages (default); json, table or csv

Example:
  logdb tail --job nightly-etl --attempt latest --level Warn
`

func init() {
	register(&command{name: "tail", summary: "follow a run until it ends", usage: tailUsage, run: runTail})
}

func runTail(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("tail", g)
	var (
		job     = fs.String("job", "", "")
		attempt = fs.String("attempt", "latest", "")
		from    = fs.Int64("from", 1, "")
		level   = fs.String("level", "", "")
		format  = fs.String("o", "raw", "")
	)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	if *job == "" {
		return usagef("--job is required")
	}
	req := engine.ReadRequest{Job: *job, From: *from, Count: 1000}
	if req.Attempt, err = parseAttempt(*attempt); err != nil {
		return usagef("%v", err)
	}
	if *level != "" {
		if req.Filter, err = parseLevelFlag(*level); err != nil {
			return usagef("%v", err)
		}
	}
	w, err := output.NewWriter(m.Stdout, *format)
	if err != nil {
		return usagef("%v", err)
	}
	db, err := openDB(g, false, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	var final *engine.Page
	err = db.Follow(ctx, req, func(p *engine.Page) error {
		row := query.Row{Kind: query.EntryRow}
		for i := range p.Entries {
			row.Entry = &p.Entries[i]
			if err := w.Write(&row); err != nil {
				return err
			}
		}
		if p.Status.Finished() {
			final = p
		}
		return w.Flush()
	})
	if ctx.Err() != nil {
		return exitCode(130)
	}
	if err != nil {
		return err
	}
	info, err := db.Run(ctx, final.Job, final.Attempt)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "%s/%d %s (exit %d", info.Job, info.Attempt, info.Status, info.ExitCode)
	if info.ExitMessage != "" {
		fmt.Fprintf(m.Stderr, ": %s", info.ExitMessage)
	}
	fmt.Fprintf(m.Stderr, ") after %v\n", info.Duration)
	if info.Status != engine.Success {
		return exitCode(exitError)
	}
	return nil
}
