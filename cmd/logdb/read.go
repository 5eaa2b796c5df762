package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

const readUsage = `usage: logdb read [--job] JOB [[--attempt] N|latest|-K] [--from N] [--count M]
                  [--level LEVEL] [--cursor C] [-o raw|json|table|csv|short]

Reads one run's lines in line order, like the task-instance log API: up to
--count lines (default 10000) numbered --from (default 1) or later that pass
the level filter. When lines remain, the cursor for the next page is printed
on stderr as "next-cursor: C"; pass it back with --cursor to continue. A
cursor stays valid while the run grows and never skips or repeats a line.

Flags:
  --job JOB        the run's job (required unless --cursor is given)
  --attempt A      the attempt: a number from 0, "latest" (default), or -K
                   for K attempts before the latest
  --from N         first line number (default 1)
  --count M        most lines to print (default 10000)
  --level L        only lines of this level or more severe (Trace, Debug,
                   Info, Warn, Error, Fatal); "=L" for exactly L
  --cursor C       continue from a cursor printed by an earlier read
  -o FORMAT        raw: the messages (default); json: one object per line;
                   table; csv; short: time, level, run:line and message

The job and attempt may also come first without their flags.

Examples:
  logdb read build -1 --count 50
  logdb read --job build --from 100 --count 20
  logdb read --job build --attempt 0 --level Warn -o json
`

func init() {
	register(&command{name: "read", summary: "read a run's lines by line range", usage: readUsage, run: runRead})
}

func runRead(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("read", g)
	var (
		job     = fs.String("job", "", "")
		attempt = fs.String("attempt", "latest", "")
		from    = fs.Int64("from", 1, "")
		count   = fs.Int("count", engine.DefaultReadCount, "")
		level   = fs.String("level", "", "")
		cursor  = fs.String("cursor", "", "")
		format  = fs.String("o", "raw", "")
	)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := runArgs(fs, pos, job, attempt); err != nil {
		return err
	}
	if *job == "" && *cursor == "" {
		return usagef("--job or --cursor is required")
	}
	if *from < 1 {
		return usagef("--from must be at least 1, not %d", *from)
	}
	if *count < 1 {
		return usagef("--count must be at least 1, not %d", *count)
	}
	req := engine.ReadRequest{Job: *job, From: *from, Count: *count, Cursor: *cursor}
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
	page, err := readPage(ctx, g, req)
	damaged := errors.Is(err, engine.ErrDamaged) && page != nil
	if err != nil && !damaged {
		return err
	}
	// Lines that could be read are printed; the damage is the error.
	row := query.Row{Kind: query.EntryRow}
	for i := range page.Entries {
		row.Entry = &page.Entries[i]
		if err := w.Write(&row); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if !page.IsEnd {
		fmt.Fprintf(m.Stderr, "next-cursor: %s\n", page.Cursor)
	}
	return err
}

// runArgs takes a run named by position, "JOB [ATTEMPT]", as read, tail and
// run accept besides --job and --attempt.
func runArgs(fs *flag.FlagSet, pos []string, job, attempt *string) error {
	if len(pos) > 0 && *job == "" {
		*job, pos = pos[0], pos[1:]
		if len(pos) > 0 && !isSet(fs, "attempt") {
			*attempt, pos = pos[0], pos[1:]
		}
	}
	return noArgs(pos)
}

// parseAttempt reads "latest", a number from 0, or -K.
func parseAttempt(s string) (int, error) {
	if strings.EqualFold(s, "latest") {
		return engine.Latest, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -1<<30 {
		return 0, fmt.Errorf("bad attempt %q (want a number from 0, latest, or -K)", s)
	}
	return n, nil
}

// parseLevelFlag reads "Warn" (Warn or more severe) or "=Warn" (exactly).
func parseLevelFlag(s string) (engine.Filter, error) {
	op := engine.Ge
	if rest, ok := strings.CutPrefix(s, "="); ok {
		op, s = engine.Eq, rest
	}
	l, ok := engine.ParseLevel(s)
	if !ok {
		return nil, fmt.Errorf("unknown level %q (want one of %s)", s, strings.Join(engine.LevelNames(), ", "))
	}
	return engine.LevelFilter{Op: op, Level: l}, nil
}
