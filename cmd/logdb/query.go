package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
	"github.com/logdb/logdb/repl"
	"github.com/logdb/logdb/server"
)

const queryUsage = `usage: logdb query [--dir DIR | --server ADDR] [-o FORMAT] [--tz ZONE] [-f [-n N]]
                   [--query-memory SIZE] [--query-timeout D] QUERY...

Runs a query in the filter language and prints the matching lines, oldest
first. The arguments are joined with spaces, so quoting the whole query is
optional. Terms are ANDed:

  *                       every line
  timeout                 the word, ignoring case (as grep -iw)
  "connection reset"      the text, ignoring case (as grep -iF)
  /time(d)?out/           an RE2 regular expression; /tmp and /api/v1 are
                          words, /time(d)?out without its / an error
  level=Error level>=Warn by level; Trace < Debug < Info < Warn < Error < Fatal
  job=build attempt=latest   a run; attempt=-1 is the one before the latest
  app=billing env!=prod flow=etl-*   labels, with * wildcards
  line>=100 line<=200     line numbers inside a run
  since=-1h until=-5m since=2025-03-20T00:00:00Z   time bounds
  during=today|yesterday|day-before-yesterday|this-week|last-week
  tz=+08:00 tz=Asia/Shanghai   the zone of times in the query
  NOT x, -x, a OR b, ( … )     boolean logic; AND binds tighter than OR

Pipes: | sort by time desc | limit 100 | offset 20 | count | count by level
| fields time, level, msg | context 3 (as grep -C: "--" between groups; raw
output marks hits job/attempt:line:msg and context job/attempt-line-msg)

Questions, with LogsQL's names:
  status>=500 took>1.5s status:[500, 599]   numbers and durations of labels
  level in (Error, Fatal) job in (etl-*, api)   one of a list
  | stats by (job, _time:5m) count(), count_uniq(user), sum(f), avg(f),
          min(f), max(f), median(f), quantile(0.95, f) as p95, rate()
  | histogram 5m | top 10 by (job) | uniq by (user) | field_names
  | field_values level | stats … | filter count > 10 | sort by (count desc)
  | unpack_json | unpack_logfmt [from f] | extract "took <ms>ms" (<_> skips)
  | extract_regexp "(?P<ms>\d+)ms"      fields from the text, at query time
Time buckets follow --tz; empty ones are filled. On a terminal a count per
bucket is drawn as a bar chart (-o chart; -o table for the numbers).

Without a query, on a terminal, it prints the last screenful of lines and a
hint; otherwise it prints this help and exits with status 2, so that a
script that lost its query does not print the whole store: ask for every
line with '*' (logdb query '*').

Flags:
  -o FORMAT    raw: messages only (with | context, job/attempt:line: before
               a hit and job/attempt-line- before context, as grep -Hn -C);
               json: one object per line; table; csv;
               short: time, level, job/attempt:line and message, a line
               each; chart: a bar per time bucket. Default: chart for a
               count per time bucket on a terminal, else table on a
               terminal, raw otherwise; short with -f.
  --tz ZONE    zone for times in the query and in table output (default
               the local zone)
  -f           follow, as tail -f or journalctl -f: the last -n lines that
               match (default 10), then each matching line of any run as
               it is appended, until Ctrl-C. The query is a filter, without
               pipes. Lines come from other processes only through a
               server (--server), which owns the directory.
` + queryLimitsHelp + `
Through --server, the server's limits apply instead of --query-memory and
--query-timeout ('logdb help serve'); a query over them fails with a message
that says which and how to raise it.

Examples:
  logdb query 'level>=Warn "connection reset" since=-1h'
  logdb query job=build timeout '| context 2'
  logdb query -o json 'level=Error | count by job'
  logdb query --query-memory 1GiB '| count by msg'
  logdb query 'level>=Error | stats by (_time:1h) count()'
  logdb query 'job=api-* | extract "took <ms>ms" | stats by (job) quantile(0.95, ms)'
  logdb --server 127.0.0.1:7379 query -f 'level>=Error env=prod'
`

func init() {
	register(&command{name: "query", summary: "search lines with the filter language", usage: queryUsage, run: runQuery})
}

func runQuery(m *Main, ctx context.Context, g *globals, args []string) error {
	return m.filter(ctx, g, "query", args, false)
}

// filter runs a query given as the command's arguments over lines, or
// over runs (logdb runs), on the directory or through the server, and
// prints its rows.
func (m *Main) filter(ctx context.Context, g *globals, name string, args []string, runs bool) error {
	fs := newFlagSet(name, g)
	format := fs.String("o", "", "")
	tz := fs.String("tz", "", "")
	var (
		follow bool
		last   int
		lim    queryLimitFlags
	)
	lim.define(fs)
	if !runs {
		fs.BoolVar(&follow, "f", false, "")
		fs.BoolVar(&follow, "follow", false, "")
		fs.IntVar(&last, "n", 10, "")
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := lim.remoteOnly(fs, g); err != nil {
		return err
	}
	limits, err := lim.limits()
	if err != nil {
		return err
	}
	src := strings.Join(pos, " ")
	var page *lastPage // the last screenful, for a query without a query
	if !runs && !follow && strings.TrimSpace(src) == "" {
		if !isTerminal(m.Stdout) {
			fmt.Fprint(m.Stderr, noQueryHelp+queryUsage)
			return exitCode(exitUsage)
		}
		page = newLastPage(pageRows(terminalHeight(m.Stdout)))
	}
	q, err := query.Parse(src)
	if err != nil {
		return printParseError(m, err)
	}
	opts := query.Options{Location: time.Local, Limits: limits}
	if *tz != "" {
		if opts.Location, err = query.ParseZone(*tz); err != nil {
			return usagef("%v", err)
		}
	}
	switch {
	case *format != "":
	case follow:
		*format = "short" // a table aligns blocks, not a stream
	case isTerminal(m.Stdout) && q.Charted():
		*format = "chart" // a count per time bucket, drawn
	case isTerminal(m.Stdout):
		*format = "table"
	default:
		*format = "raw"
	}
	if follow {
		return m.followQuery(ctx, g, q, opts, last, *format)
	}
	var rows repl.Rows // *query.Rows, or *client.Rows through a server
	if g.server != "" {
		c, err := g.dial(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		if *tz == "" {
			*tz = server.LocalZone()
		}
		r, err := c.Query(ctx, src, client.QueryOptions{PageSize: 10000, TZ: *tz, Runs: runs})
		if err != nil {
			return printParseError(m, err)
		}
		rows = r
	} else {
		db, err := openDB(g, false, &engine.Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer db.Close()
		m.raiseHeapLimit(memoryOf(limits))
		var r *query.Rows
		if runs {
			r, err = query.RunRuns(ctx, db, q, opts)
		} else {
			r, err = query.Run(ctx, db, q, opts)
		}
		if err != nil {
			return printParseError(m, err)
		}
		rows = r
	}
	defer rows.Close()
	w, err := output.New(m.Stdout, output.Options{Format: *format, Location: rows.Location(), Runs: runs, Context: q.HasContext()})
	if err != nil {
		return usagef("%v", err)
	}
	for rows.Next() {
		if page != nil {
			page.add(rows.Row())
		} else if err := w.Write(rows.Row()); err != nil {
			return err
		}
	}
	if page != nil && rows.Err() == nil {
		for _, r := range page.rows() {
			if err := w.Write(&r); err != nil {
				return err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if page != nil && rows.Err() == nil {
		fmt.Fprintln(m.Stderr, page.hint())
	}
	return rows.Err()
}

// followQuery is logdb query -f: the last n lines that match q's filter,
// then each matching line as it is appended, until Ctrl-C (status 130).
func (m *Main) followQuery(ctx context.Context, g *globals, q *query.Query, opts query.Options, n int, format string) error {
	if len(q.Pipes) > 0 {
		return usagef("-f follows a filter: leave out the pipes")
	}
	if n < 0 {
		return usagef("-n must be 0 or more, not %d", n)
	}
	w, err := output.New(m.Stdout, output.Options{Format: format, Location: opts.Location})
	if err != nil {
		return usagef("%v", err)
	}
	exec, closeExec, err := openExecutor(ctx, g, false)
	if err != nil {
		return err
	}
	defer closeExec()
	row := query.Row{Kind: query.EntryRow}
	err = exec.Tail(ctx, q, opts, n, func(e *engine.Entry) error {
		row.Entry = e
		if err := w.Write(&row); err != nil {
			return err
		}
		return w.Flush()
	})
	if ctx.Err() != nil {
		return exitCode(130)
	}
	return printParseError(m, err)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
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
