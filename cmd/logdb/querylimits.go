package main

import (
	"context"
	"flag"
	"math"
	"runtime/debug"
	"time"

	"github.com/logdb/logdb/query"
	"github.com/logdb/logdb/repl"
)

// The limits of the queries a command runs on the directory itself (query,
// runs, the shell): --query-memory and --query-timeout. Through a server,
// the server's own limits (logdb serve --query-memory) apply instead.

// queryLimitsHelp documents the flags in the usage texts.
const queryLimitsHelp = `  --query-memory SIZE
               most memory one query's pipes may hold: the groups of
               count by, the lines of sort, the hits of a context group.
               A query that needs more stops with a message saying so.
               Default 256MiB, or an eighth of the machine's memory if
               that is less; 0 for no limit
  --query-timeout D
               stop a query after D (default 0: no limit)
`

// queryLimitFlags are the flags that bound the queries of a command.
type queryLimitFlags struct {
	memory  string // a size; "": the default
	timeout time.Duration
}

// define adds the flags to fs.
func (f *queryLimitFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.memory, "query-memory", "", "")
	fs.DurationVar(&f.timeout, "query-timeout", 0, "")
}

// limits returns the query.Limits the flags ask for. On the command line a
// --query-memory of 0 means no limit.
func (f *queryLimitFlags) limits() (query.Limits, error) {
	l := query.Limits{Timeout: f.timeout}
	if f.timeout < 0 {
		return l, usagef("--query-timeout must not be negative")
	}
	if f.memory != "" {
		n, err := parseLimitSize("query-memory", f.memory)
		if err != nil {
			return l, err
		}
		l.MaxMemory = n
	}
	return l, nil
}

// remoteOnly fails when fs set the flags but the queries run on a server,
// whose own limits apply.
func (f *queryLimitFlags) remoteOnly(fs *flag.FlagSet, g *globals) error {
	if g.server != "" && (isSet(fs, "query-memory") || isSet(fs, "query-timeout")) {
		return usagef("--query-memory and --query-timeout bound queries on the directory; through --server the server's own limits apply (logdb serve --query-memory, --query-timeout)")
	}
	return nil
}

// memoryOf returns the memory l lets a query hold: its MaxMemory or the
// default, negative for no limit.
func memoryOf(l query.Limits) int64 {
	if l.MaxMemory == 0 {
		return query.DefaultMaxMemory()
	}
	return l.MaxMemory
}

// parseLimitSize reads the size of flag name: bytes or 128MiB, 0 for no
// limit, which it returns as -1 (as query.Limits and server.Options take
// it; 0 means their default there).
func parseLimitSize(name, v string) (int64, error) {
	n, err := query.ParseSize(v)
	if err != nil || n < 0 {
		return 0, usagef("bad --%s %q (want a size such as 512MiB, or 0 for no limit)", name, v)
	}
	if n == 0 {
		return -1, nil
	}
	return n, nil
}

// raiseHeapLimit raises the soft limit on the Go heap that main sets
// (baseHeapLimit) by the memory the process's queries may hold: with the
// heap held at its base limit, a "count by" using its 256 MiB made the garbage
// collector run without pause, and took three times as long. A negative
// queries (no limit) lifts the soft limit. GOMEMLIMIT, when set, stays as
// it is, and a process without a limit (a test) keeps none.
func (m *Main) raiseHeapLimit(queries int64) {
	if m.Getenv("GOMEMLIMIT") != "" {
		return
	}
	want := int64(math.MaxInt64)
	if queries >= 0 {
		want = baseHeapLimit + queries
	}
	if debug.SetMemoryLimit(-1) < want {
		debug.SetMemoryLimit(want)
	}
}

// limitedExecutor runs the shell's queries on the directory within limits.
type limitedExecutor struct {
	repl.Executor
	limits query.Limits
}

// Query implements repl.Executor.
func (x *limitedExecutor) Query(ctx context.Context, q *query.Query, opts query.Options) (repl.Rows, error) {
	opts.Limits = x.limits
	return x.Executor.Query(ctx, q, opts)
}

// QueryRuns implements repl.Executor.
func (x *limitedExecutor) QueryRuns(ctx context.Context, q *query.Query, opts query.Options) (repl.Rows, error) {
	opts.Limits = x.limits
	return x.Executor.QueryRuns(ctx, q, opts)
}
