package repl

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

// A command is one \command of the shell.
type command struct {
	usage   string    // `\read JOB [ATTEMPT [FROM [COUNT]]]`, at most 32 characters
	summary string    // one line for \help, at most 45 characters
	also    [2]string // another usage and summary, if any
	help    string    // more for \help \name: details and examples

	run func(s *Shell, ctx context.Context, args string) error

	// queryArg, if set, returns the part of args that is a query, for
	// continuing it on more lines (an open quote or parenthesis) and for
	// completion; false if args hold none.
	queryArg func(s *Shell, args string) (string, bool)

	// complete, if set, returns the candidates for word, the word being
	// typed at position n (from 0) of the command's arguments, prev the
	// words before it.
	complete func(s *Shell, prev []string, word string) []string
}

// commands is the table of \commands by name; see init for the entries
// and commandOrder for how \help lists them. (It is filled in init because
// \help reads it.)
var commands map[string]*command

// aliases are other names of commands.
var aliases = map[string]string{`\q`: `\quit`, `\exit`: `\quit`, `\h`: `\help`, `\?`: `\help`}

// commandOrder is the order \help lists the commands in.
var commandOrder = []string{
	`\read`, `\next`, `\follow`, `\refresh`, `\detail`, `\context`, `\export`, `\runs`, `\stats`,
	`\format`, `\columns`, `\pager`, `\maxrows`, `\tz`,
	`\help`, `\quit`,
}

func init() {
	commands = map[string]*command{
		`\help`: {
			usage: `\help [COMMAND]`, summary: "this help, or more on one command",
			run:      cmdHelp,
			complete: func(_ *Shell, prev []string, word string) []string { return prefixed(commandOrder, word, "") },
		},
		`\quit`: {
			usage: `\quit`, summary: "leave (also \\q or Ctrl-D)",
			run: func(s *Shell, _ context.Context, _ string) error { s.quit = true; return nil },
		},
		`\format`: {
			usage: `\format [raw|json|table|csv]`, summary: "the output format",
			help: `table: aligned columns (\columns), levels coloured, lines numbered for \detail.
raw: the messages alone, as grep prints them. json: one object per line.
csv: RFC 4180 with a header. The default is table on a terminal, else raw.`,
			run:      cmdFormat,
			complete: func(_ *Shell, _ []string, word string) []string { return prefixed(output.Formats(), word, "") },
		},
		`\columns`: {
			usage: `\columns [NAME,…|default]`, summary: "the columns of tables of lines",
			help: `Columns: time, level, run (job/attempt:line), job, attempt, line,
labels (all of them), msg, or any label name. The default is
time,level,run,msg.

  \columns time,level,app,msg
  \columns default`,
			run:      cmdColumns,
			complete: completeColumns,
		},
		`\pager`: {
			usage: `\pager [on|off]`, summary: "page long results (default on)",
			help: `With the pager on, a result taller than the terminal goes through $PAGER
(default less -R), as in psql. Without an argument, \pager toggles it.`,
			run:      cmdPager,
			complete: func(_ *Shell, _ []string, word string) []string { return prefixed([]string{"on", "off"}, word, "") },
		},
		`\maxrows`: {
			usage: `\maxrows [N]`, summary: "the most rows a query shows (0: all)",
			help: `A query on a terminal shows its first 1000 rows by default; \export FILE
writes all of them. Scripts get every row.`,
			run: cmdMaxRows,
		},
		`\tz`: {
			usage: `\tz [ZONE]`, summary: "the zone of times: Local, UTC, +08:00 …",
			run:      cmdTZ,
			complete: func(_ *Shell, _ []string, word string) []string { return prefixed(zoneNames, word, "") },
		},
		`\read`: {
			usage: `\read JOB [ATTEMPT [FROM [N]]]`, summary: "a run's lines from a line number on",
			help: `ATTEMPT is a number from 0, latest (the default) or -K for K attempts
before the latest; FROM the first line (default 1); COUNT the lines per
page (default: what fits on the screen, else 100). \next continues with a
cursor that stays valid while the run grows.

  \read build
  \read build latest 100 20
  \read nightly-etl -1`,
			run:      cmdRead,
			complete: completeRun,
		},
		`\next`: {
			usage: `\next`, summary: "the next page of the last \\read",
			run: cmdNext,
		},
		`\follow`: {
			usage: `\follow JOB [ATTEMPT]`, summary: "a run live until it ends, then its status",
			also: [2]string{`\follow QUERY`, "new lines matching a filter, live"},
			help: `\follow JOB [ATTEMPT] shows a run's last 10 lines, then its new lines as
they are appended, until the run ends; then its final status. ATTEMPT
defaults to latest. Anything else is a filter (no pipes): its last 10
matches, then new matching lines of any run. Ctrl-C stops.

  \follow build
  \follow nightly-etl 3
  \follow level>=Warn app=billing`,
			run:      cmdFollow,
			queryArg: followQueryArg,
			complete: completeRun,
		},
		`\refresh`: {
			usage: `\refresh INTERVAL QUERY`, summary: "a query every interval; Ctrl-C stops",
			help: `INTERVAL is a duration (5s, 1m, 500ms) or a number of seconds. On a
terminal the screen is cleared before each run and the rows are cut to
fit; "| sort by time desc | limit 20" shows the newest.

  \refresh 5s level>=Warn since=-15m | count by job
  \refresh 10s job=deploy | sort by time desc | limit 20`,
			run:      cmdRefresh,
			queryArg: func(_ *Shell, args string) (string, bool) { _, q, ok := cutWord(args); return q, ok },
			complete: func(_ *Shell, _ []string, word string) []string {
				return prefixed([]string{"1s", "5s", "10s", "30s", "1m", "5m"}, word, "")
			},
		},
		`\detail`: {
			usage: `\detail N`, summary: "line #N of the last result whole, in context",
			run: cmdDetail,
		},
		`\context`: {
			usage: `\context N [K]`, summary: "K lines (default 5) around line #N",
			run: cmdContext,
		},
		`\export`: {
			usage: `\export [--force] FILE [FMT] [JOB [A]]`, summary: "the last result, or a run, to a file",
			help: `FMT is raw, json, csv or table; it defaults to the file's extension: .csv csv, .json/.jsonl/.ndjson
json, .txt table, anything else raw (a run's lines as they were written).
With JOB, the whole run is written, however long. Without it, the last
result; if it was cut by \maxrows, the query is run again (over the same
times) to write all its rows. An existing file is kept unless --force is
given, and no file is written inside the store's directory.

  \export errors.csv
  \export build.log build
  \export run.json json nightly-etl 3`,
			run:      cmdExport,
			complete: completeExport,
		},
		`\runs`: {
			usage: `\runs [QUERY]`, summary: "runs, newest first; a query over runs",
			help: `The query is over runs, as for logdb runs: job, attempt, kind, status
(running, success, failed, waiting, canceled), exit, duration (ms or 2s),
memory, lines, errors, warnings, pinned and run labels; since, until and
during bound the start; HAVING FILTER keeps runs with a matching line.
A table shows job, attempt, kind, status, start, duration, lines, errors,
exit and message unless the query picks columns with | fields or | count.

  \runs
  \runs status=failed since=-1d
  \runs job=nightly-etl | sort by duration desc | limit 10
  \runs status=failed HAVING timeout
  \runs | count by status`,
			run:      cmdRuns,
			queryArg: func(_ *Shell, args string) (string, bool) { return args, true },
		},
		`\stats`: {
			usage: `\stats`, summary: "runs, lines, size on disk, index lag",
			run: cmdStats,
		},
	}
}

// helpIntro is the first part of \help.
// helpIntro is the first part of \help.
const helpIntro = `Type a query in the filter language, or a \command. Tab completes commands,
fields, levels, time presets and job names. A query left open (a quote, a
parenthesis, a trailing | or OR) continues on the next line. Ctrl-C cancels
a running command; Ctrl-D or \quit leaves.

Queries (terms are ANDed):
  timeout                          the word, ignoring case
  "connection reset"               the text
  level>=Warn since=-1h            by level and time (-5m … -30d)
  job=build attempt=latest         one run; attempt=-1 the one before
  app=billing env!=prod flow=etl-* labels, * wildcards
  during=today                     yesterday, this-week, last-15m …
  (a OR b) NOT c                   boolean logic
  level=Error | count by job       pipes: sort by, limit, offset, count,
  x | sort by time desc | limit 20   count by, fields, context N

Commands:
`

const helpOutro = `
Examples:
  level>=Warn "connection reset" since=-1h
  \columns time,level,app,msg
  \detail 3
  \read build latest 1 50    then \next
  \follow build
  \refresh 5s level=Error since=-15m | count by job
  \export errors.csv
`

func cmdHelp(s *Shell, _ context.Context, args string) error {
	if args != "" {
		name := args
		if !strings.HasPrefix(name, `\`) {
			name = `\` + name
		}
		if a, ok := aliases[name]; ok {
			name = a
		}
		c := commands[name]
		if c == nil {
			return fmt.Errorf(`unknown command %s (\help lists them)`, name)
		}
		fmt.Fprintf(s.out, "%s\n  %s\n", c.usage, c.summary)
		if c.also[0] != "" {
			fmt.Fprintf(s.out, "%s\n  %s\n", c.also[0], c.also[1])
		}
		if c.help != "" {
			fmt.Fprintf(s.out, "\n%s\n", c.help)
		}
		return nil
	}
	var b strings.Builder
	b.WriteString(helpIntro)
	for _, name := range commandOrder {
		c := commands[name]
		fmt.Fprintf(&b, "  %-32s %s\n", c.usage, c.summary)
		if c.also[0] != "" {
			fmt.Fprintf(&b, "  %-32s %s\n", c.also[0], c.also[1])
		}
	}
	b.WriteString(helpOutro)
	return s.show([]byte(b.String()))
}

func cmdFormat(s *Shell, _ context.Context, args string) error {
	if args == "" {
		fmt.Fprintf(s.out, "format %s\n", s.Format)
		return nil
	}
	if !slices.Contains(output.Formats(), args) {
		return fmt.Errorf("unknown format %q (want one of %s)", args, strings.Join(output.Formats(), ", "))
	}
	s.Format = args
	return nil
}

func cmdColumns(s *Shell, _ context.Context, args string) error {
	switch args {
	case "":
		fmt.Fprintf(s.out, "columns %s\n", strings.Join(s.columns, ","))
		s.note("available: %s, or any label name", strings.Join(lineColumns, ", "))
		return nil
	case "default":
		s.columns = append([]string(nil), defaultColumns...)
		return nil
	}
	cols, err := parseColumns(args)
	if err != nil {
		return err
	}
	s.columns = cols
	return nil
}

func cmdPager(s *Shell, _ context.Context, args string) error {
	switch args {
	case "":
		s.pagerOn = !s.pagerOn
	case "on":
		s.pagerOn = true
	case "off":
		s.pagerOn = false
	default:
		return fmt.Errorf("want \\pager on or \\pager off, not %q", args)
	}
	state := "off"
	if s.pagerOn {
		state = "on"
	}
	s.note("pager %s", state)
	return nil
}

func cmdMaxRows(s *Shell, _ context.Context, args string) error {
	if args == "" {
		fmt.Fprintf(s.out, "maxrows %d\n", max(s.MaxRows, 0))
		return nil
	}
	n, err := strconv.Atoi(args)
	if err != nil || n < 0 {
		return fmt.Errorf("want a number of rows from 0 (all), not %q", args)
	}
	s.MaxRows = n
	if n == 0 {
		s.MaxRows = -1
	}
	return nil
}

// zoneNames are offered by completion after \tz and tz=.
var zoneNames = []string{"Local", "UTC", "Asia/Shanghai", "Europe/London", "America/New_York", "+08:00", "-05:00"}

func cmdTZ(s *Shell, _ context.Context, args string) error {
	if args == "" {
		fmt.Fprintf(s.out, "tz %s\n", s.Location)
		return nil
	}
	loc, err := query.ParseZone(args)
	if err != nil {
		return err
	}
	s.Location = loc
	return nil
}

// cutWord splits the first blank-separated word off s.
func cutWord(s string) (word, rest string, ok bool) {
	s = strings.TrimLeft(s, " \t\n")
	i := strings.IndexAny(s, " \t\n")
	if i < 0 {
		return s, "", s != ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t\n"), true
}
