package main

import (
	"context"
)

const runsUsage = `usage: logdb runs [--dir DIR | --server ADDR] [-o table|json|csv|raw] [--tz ZONE]
                  [--query-memory SIZE] [--query-timeout D] [QUERY...]

Lists runs, newest first, filtered and shaped with the filter language over
run records. Fields: job, attempt (latest, -1), kind, status (running,
success, failed, waiting, canceled), exit, duration and billed (ms, or 2s,
1m), memory (bytes, or 128MiB), lines, bytes, errors, warnings, pinned, and
the run's labels; since, until and during bound its start. Pipes can also
name trigger, start and end. HAVING FILTER
keeps the runs with a line matching FILTER and adds their number as "hits".
Pipes as for lines: sort by, limit, offset, count, count by, fields,
stats (by start:1d for buckets of start), top, uniq, filter, field_names
and field_values; status in (failed, canceled) and duration:[1s, 5m] too.

Columns: job attempt kind status start end duration billed memory exit
message lines errors (then hits, then the labels). See the README for how
they map onto the task-instance and function-log APIs. A table shows
durations as 342ms, 1.5s or 2m3s and sizes as 512 KiB or 1.2 GiB; -o json
and -o csv keep exact milliseconds and bytes; raw (tab-separated, the
default off a terminal) writes each label as name=value.

Flags:
` + queryLimitsHelp + `
Examples:
  logdb runs status=failed since=-1d flow=etl-* '| sort by duration desc | limit 20'
  logdb runs exit!=0 '| offset 40 | limit 20'
  logdb runs '| count by status'
  logdb runs 'status=failed | stats by (flow) count(), quantile(0.9, duration) as p90'
  logdb runs job=nightly-etl          # its attempts and how each ended
  logdb runs status=failed HAVING timeout
`

func init() {
	register(&command{name: "runs", summary: "list runs, filtered by state, time, labels or their lines", usage: runsUsage, run: runRuns})
}

func runRuns(m *Main, ctx context.Context, g *globals, args []string) error {
	return m.filter(ctx, g, "runs", args, true)
}
