package main

import (
	"context"
	"fmt"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

const tailUsage = `usage: logdb tail [--dir DIR | --server ADDR] [--job] JOB [[--attempt] A] [--from N]
                 [--level L] [-o raw|json|table|csv|short]

Follows a run: prints its lines from --from (default 1), then new lines as
they are appended, until the run finishes ('logdb run finish'); then prints
how it ended on stderr and exits with status 0 if it succeeded, 1 if it
failed or was canceled. Ctrl-C stops following (status 130).

One process owns a data directory, so tail without --server keeps others
from appending: follow a live run through logdb serve with --server ADDR,
where the appenders go too. There a run that does not exist yet is waited
for.

Flags:
  --job JOB      the run's job (required)
  --attempt A    a number from 0, latest (default) or -K
  --from N       first line to print (default 1)
  --level L      only lines of level L or more severe; "=L" for exactly L
  -o FORMAT      raw: the messages (default); json, short (time, level,
                 run:line and message), table or csv

Examples:
  logdb tail nightly-etl
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
	if err := runArgs(fs, pos, job, attempt); err != nil {
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
	var info engine.RunInfo
	if g.server != "" {
		info, err = tailRemote(ctx, g, req, w)
	} else {
		info, err = tailLocal(ctx, g, req, w)
	}
	if ctx.Err() != nil {
		return exitCode(130)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "%s/%d %s (exit %d", output.Escape(info.Job), info.Attempt, info.Status, info.ExitCode)
	if info.ExitMessage != "" {
		fmt.Fprintf(m.Stderr, ": %s", output.Escape(info.ExitMessage))
	}
	fmt.Fprintf(m.Stderr, ") after %v\n", info.Duration)
	if info.Status != engine.Success {
		return exitCode(exitError)
	}
	return nil
}

// tailLocal follows a run in the directory and returns its final record.
func tailLocal(ctx context.Context, g *globals, req engine.ReadRequest, w output.Writer) (engine.RunInfo, error) {
	db, err := openDB(g, false, nil)
	if err != nil {
		return engine.RunInfo{}, err
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
	if err != nil {
		return engine.RunInfo{}, err
	}
	return db.Run(ctx, final.Job, final.Attempt)
}

// tailRemote follows a run through the server (SUBSCRIBE) and returns its
// final record.
func tailRemote(ctx context.Context, g *globals, req engine.ReadRequest, w output.Writer) (engine.RunInfo, error) {
	c, err := g.dial(ctx)
	if err != nil {
		return engine.RunInfo{}, err
	}
	defer c.Close()
	// The server filters by level >= only: for exactly a level it sends
	// that level and more, and the rest are dropped here.
	var exactly *engine.Level
	if lf, ok := req.Filter.(engine.LevelFilter); ok && lf.Op == engine.Eq {
		exactly = &lf.Level
		req.Filter = engine.LevelAtLeast(lf.Level)
	}
	f, err := c.Follow(ctx, req)
	if err != nil {
		return engine.RunInfo{}, err
	}
	defer f.Close()
	row := query.Row{Kind: query.EntryRow}
	for f.Next() {
		row.Entry = f.Entry()
		if exactly != nil && row.Entry.Level != *exactly {
			continue
		}
		if err := w.Write(&row); err != nil {
			return engine.RunInfo{}, err
		}
		if err := w.Flush(); err != nil {
			return engine.RunInfo{}, err
		}
	}
	if err := f.Err(); err != nil {
		return engine.RunInfo{}, err
	}
	end := f.End()
	if end == nil {
		return engine.RunInfo{}, fmt.Errorf("the server stopped following %s before it finished", req.Job)
	}
	return c.Run(ctx, end.Job, end.Attempt)
}
