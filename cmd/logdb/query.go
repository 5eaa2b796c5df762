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

const queryUsage = `usage: logdb query [--dir DIR] [-o raw|json|table|csv] [--tz ZONE] QUERY...

Runs a query in the filter language and prints the matching lines, oldest
first. The arguments are joined with spaces, so quoting the whole query is
optional. Terms are ANDed:

  timeout                 the word, ignoring case (as grep -iw)
  "connection reset"      the text, ignoring case (as grep -iF)
  /time(d)?out/           an RE2 regular expression
  level=Error level>=Warn by level; Trace < Debug < Info < Warn < Error < Fatal
  job=build attempt=latest   a run; attempt=-1 is the one before the latest
  app=billing env!=prod flow=etl-*   labels, with * wildcards
  line>=100 line<=200     line numbers inside a run
  since=-1h until=-5m since=2025-03-20T00:00:00Z   time bounds
  during=today|yesterday|day-before-yesterday|this-week|last-week
  tz=+08:00 tz=Asia/Shanghai   the zone of times in the query
  NOT x, -x, a OR b, ( … )     boolean logic; AND binds tighter than OR

Pipes: | sort by time desc | limit 100 | offset 20 | count | count by level
| fields time, level, msg | context 3

Flags:
  -o FORMAT    raw: messages only; json: one object per line; table; csv.
               Default: table on a terminal, raw otherwise.
  --tz ZONE    zone for times in the query and in table output (default
               the local zone)

Examples:
  logdb query 'level>=Warn "connection reset" since=-1h'
  logdb query job=build timeout '| context 2'
  logdb query -o json 'level=Error | count by job'
`

func init() {
	register(&command{name: "query", summary: "search lines with the filter language", usage: queryUsage, run: runQuery})
}

func runQuery(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("query", g)
	format := fs.String("o", "", "")
	tz := fs.String("tz", "", "")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	src := strings.Join(pos, " ")
	q, err := query.Parse(src)
	if err != nil {
		var pe *query.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintln(m.Stderr, pe.Error())
			return exitCode(exitUsage)
		}
		return err
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
	if g.server != "" {
		return m.queryRemote(ctx, g, src, *tz, *format)
	}
	db, err := openDB(g, false, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := query.Run(ctx, db, q, opts)
	if err != nil {
		return err
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
