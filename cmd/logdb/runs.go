package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

const runsUsage = `usage: logdb runs [--dir DIR] [-o table|json|csv|raw] [--tz ZONE] [QUERY...]

Lists runs, newest first, filtered and shaped with the filter language over
run records. Fields: job, attempt (latest, -1), kind, status (running,
success, failed, waiting, canceled), exit, duration and billed (ms, or 2s,
1m), memory (bytes, or 128MiB), lines, bytes, errors, warnings, pinned, and
the run's labels; since, until and during bound its start. Pipes can also
name trigger, start and end. HAVING FILTER
keeps the runs with a line matching FILTER and adds their number as "hits".
Pipes as for lines: sort by, limit, offset, count, count by, fields.

Columns: job attempt kind status start end duration billed memory exit
message lines errors (then hits, then the labels). See the README for how
they map onto the task-instance and function-log APIs.

Examples:
  logdb runs status=failed since=-1d flow=etl-* '| sort by duration desc | limit 20'
  logdb runs exit!=0 '| offset 40 | limit 20'
  logdb runs '| count by status'
  logdb runs job=nightly-etl          # its attempts and how each ended
  logdb runs status=failed HAVING timeout
`

func init() {
	register(&command{name: "runs", summary: "list runs, filtered by state, time, labels or their lines", usage: runsUsage, run: runRuns})
}

func runRuns(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("runs", g)
	format := fs.String("o", "", "")
	tz := fs.String("tz", "", "")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	q, err := query.Parse(strings.Join(pos, " "))
	if err != nil {
		return printParseError(m, err)
	}
	opts := query.Options{Location: time.Local}
	if *tz != "" {
		if opts.Location, err = query.ParseZone(*tz); err != nil {
			return usagef("%v", err)
		}
	}
	if *format == "" {
		*format = "raw"
		if f, ok := m.Stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			*format = "table"
		}
	}
	db, err := openDB(g, false, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := query.RunRuns(ctx, db, q, opts)
	if err != nil {
		return printParseError(m, err)
	}
	defer rows.Close()
	w, err := output.New(m.Stdout, output.Options{Format: *format, Location: rows.Location()})
	if err != nil {
		return usagef("%v", err)
	}
	for rows.Next() {
		if err := w.Write(rows.Row()); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return rows.Err()
}

// printParseError prints a query error with its caret and returns the
// usage exit status; other errors are returned as they are.
func printParseError(m *Main, err error) error {
	var pe *query.ParseError
	if errors.As(err, &pe) {
		fmt.Fprintln(m.Stderr, pe.Error())
		return exitCode(exitUsage)
	}
	return err
}
