package main

import (
	"context"
	"fmt"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
)

const gcUsage = `usage: logdb gc [--dir DIR | --server ADDR] [--max-age AGE] [--rule RULE]...
                [--include-running] [--dry-run]

Deletes the runs whose retention has run out, their lines and their index
entries, and reports what it deleted. A run's age is the time since its last
line or change of state; pinned runs ('logdb run pin') are kept, and so are
runs that have not finished (running, or waiting to start) unless
--include-running is given; the report counts both. A running
logdb also does this every hour, with the defaults or, for logdb serve,
its --max-age and --rule. With --server ADDR the server deletes the runs.

Flags:
  --max-age AGE   how long runs no rule matches are kept (default 30d, or
                  the server's). AGE: 90d, 12h, 2w, 1.5d … or forever
  --rule RULE     a different age for some runs; the first matching rule
                  wins. RULE: status=failed:90d, status=success:7d,
                  status=success,canceled:3d, env=dev:10d, flow=etl-*:14d,
                  'status=failed flow=etl-*:forever' (all conditions)
  --include-running
                  delete expired runs that have not finished too, such as
                  those of jobs that died without 'logdb run finish'
                  (with the default 30d unless --max-age is given)
  --dry-run       list what would be deleted, delete nothing

Example:
  logdb gc --rule status=failed:90d --rule status=success:7d --dry-run
`

func init() {
	register(&command{name: "gc", summary: "delete runs past their retention", usage: gcUsage, run: runGC})
}

// ruleFlags collects repeated --rule flags.
type ruleFlags []engine.RetentionRule

func (r *ruleFlags) String() string { return fmt.Sprint(*r) }

func (r *ruleFlags) Set(s string) error {
	rule, err := engine.ParseRetentionRule(s)
	if err != nil {
		return err
	}
	*r = append(*r, rule)
	return nil
}

// ageFlag is a --max-age flag.
type ageFlag time.Duration

func (a *ageFlag) String() string { return engine.FormatAge(time.Duration(*a)) }
func (a *ageFlag) Set(s string) error {
	d, err := engine.ParseAge(s)
	*a = ageFlag(d)
	return err
}

func runGC(m *Main, ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet("gc", g)
	maxAge := ageFlag(engine.DefaultMaxAge)
	var rules ruleFlags
	fs.Var(&maxAge, "max-age", "")
	fs.Var(&rules, "rule", "")
	dry := fs.Bool("dry-run", false, "")
	running := fs.Bool("include-running", false, "")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	// Without flags, the store's own retention: the default here, the
	// server's (logdb serve --max-age, --rule) with --server.
	var ret *engine.Retention
	if isSet(fs, "max-age") || len(rules) > 0 || *running {
		ret = &engine.Retention{MaxAge: time.Duration(maxAge), Rules: rules, IncludeRunning: *running}
	}
	db, err := openRuns(ctx, g, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if *dry {
		rep, err := db.Expired(ctx, ret)
		if err != nil {
			return err
		}
		for _, r := range rep.Deleted {
			fmt.Fprintf(m.Stdout, "%s/%d %s %s, last changed %s\n", output.Escape(r.Job), r.Attempt, r.Status, plural(r.Lines, "line"), time.Unix(0, max(r.Updated, r.Created, r.Ended)).Local().Format(time.DateTime))
		}
		fmt.Fprintf(m.Stderr, "would delete %d runs (%d lines); of the expired runs, %d are pinned and %d not finished (kept%s)\n",
			len(rep.Deleted), rep.Lines, rep.Kept, rep.KeptRunning, runningHint(rep.KeptRunning))
		return nil
	}
	start := time.Now()
	rep, err := db.GC(ctx, ret)
	if err != nil {
		return err
	}
	for _, r := range rep.Deleted {
		fmt.Fprintf(m.Stdout, "%s/%d %s %s\n", output.Escape(r.Job), r.Attempt, r.Status, plural(r.Lines, "line"))
	}
	fmt.Fprintf(m.Stderr, "checked %d runs, deleted %d (%d lines, %d bytes), kept %d pinned and %d running%s, in %v\n",
		rep.Checked, len(rep.Deleted), rep.Lines, rep.Bytes, rep.Kept, rep.KeptRunning, runningHint(rep.KeptRunning), time.Since(start).Round(time.Millisecond))
	return nil
}

// runningHint says, when expired runs were kept for not having finished,
// how to delete them too.
func runningHint(kept int) string {
	if kept == 0 {
		return ""
	}
	return "; --include-running deletes those"
}
