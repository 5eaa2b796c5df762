package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/output"
	"github.com/logdb/logdb/query"
)

const runUsage = `usage: logdb run start  --job JOB [--attempt N|next] [--kind K] [--label NAME=VALUE]...
                      [--trigger TIME] [--waiting]
       logdb run finish --job JOB [--attempt A] --status success|failed|canceled
                      [--exit N] [--message M] [--duration D] [--memory BYTES]
       logdb run retry  --job JOB
       logdb run pin    --job JOB [--attempt A]
       logdb run unpin  --job JOB [--attempt A]
       logdb run show   --job JOB [--attempt A] [-o table|json]
       logdb run delete --job JOB --attempt A

Keeps a run's record, as a scheduler or CI system would: its kind (flow,
scheduled, api, function …), labels, when it was triggered and started, how
it ended (status, exit code and message), how long it took and how much
memory it used. Appending lines creates runs too; start and finish add what
lines cannot say. A finished run takes no more lines: 'retry' opens the next
attempt, with the kind and labels of the latest. Pinned runs are kept by
retention (see 'logdb gc'). The job and attempt may also come first
without their flags: logdb run show nightly-etl -1. With --server ADDR
the commands go through a logdb server, which owns the directory.

Flags:
  --job JOB        the run's job
  --attempt A      a number from 0, latest (the default for all but start),
                   -K for K attempts before the latest; for start, next (the
                   default: a new attempt after the latest, 0 for a new job)
  --kind K         the run's kind
  --label N=V      a run label; repeat for more
  --trigger TIME   when the run was triggered (RFC 3339)
  --waiting        triggered but not started yet
  --status S       how the run ended: success, failed or canceled
  --exit N         the exit code (default 0 for success, 1 otherwise)
  --message M      the exit message
  --duration D     the run's duration as measured (e.g. 2.735ms, 1m30s);
                   default: from its start to now
  --memory BYTES   its peak memory (e.g. 131072, 128MiB)
  -o FORMAT        show: table (default) or json

Examples:
  attempt=$(logdb run start --job nightly-etl --kind scheduled --label flow=etl-orders)
  logdb ingest --job nightly-etl --attempt "$attempt" etl.log
  logdb run finish --job nightly-etl --status failed --exit 2 --message "load failed"
  logdb run retry --job nightly-etl
`

func init() {
	register(&command{name: "run", summary: "start, finish, retry, pin or show a run", usage: runUsage, run: runRun})
}

// labelFlags collects repeated --label NAME=VALUE flags.
type labelFlags engine.Labels

func (l *labelFlags) String() string { return fmt.Sprint(*l) }

func (l *labelFlags) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, not %q", s)
	}
	*l = append(*l, engine.Label{Name: name, Value: value})
	return nil
}

func runRun(m *Main, ctx context.Context, g *globals, args []string) error {
	if len(args) == 0 {
		return usagef("which: start, finish, retry, pin, unpin, show or delete?")
	}
	sub, args := args[0], args[1:]
	if sub == "-h" || sub == "--help" || sub == "help" {
		return flag.ErrHelp
	}
	fs := newFlagSet("run", g)
	var (
		job      = fs.String("job", "", "")
		attempt  = fs.String("attempt", "", "")
		kind     = fs.String("kind", "", "")
		labels   labelFlags
		trigger  = fs.String("trigger", "", "")
		waiting  = fs.Bool("waiting", false, "")
		status   = fs.String("status", "", "")
		exit     = fs.String("exit", "", "")
		message  = fs.String("message", "", "")
		duration = fs.Duration("duration", 0, "")
		memory   = fs.String("memory", "", "")
		format   = fs.String("o", "table", "")
	)
	fs.Var(&labels, "label", "")
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
	att := engine.Latest
	if sub == "start" {
		att = engine.NextAttempt
	}
	if *attempt != "" && !(sub == "start" && *attempt == "next") {
		if att, err = parseAttempt(*attempt); err != nil {
			return usagef("%v", err)
		}
	}
	db, err := openRuns(ctx, g, sub == "start")
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "start":
		spec := engine.RunSpec{Job: *job, Attempt: att, Kind: *kind, Labels: engine.Labels(labels), Waiting: *waiting}
		if *trigger != "" {
			t, err := time.Parse(time.RFC3339Nano, *trigger)
			if err != nil {
				return usagef("bad --trigger %q: want RFC 3339", *trigger)
			}
			spec.Triggered = t.UnixNano()
		}
		info, err := db.StartRun(ctx, spec)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, info.Attempt)
	case "finish":
		st, ok := engine.ParseRunStatus(*status)
		if !ok || !st.Finished() {
			return usagef("--status must be success, failed or canceled, not %q", *status)
		}
		res := engine.RunResult{Status: st, Message: *message, Duration: *duration}
		if st != engine.Success {
			res.ExitCode = 1
		}
		if *exit != "" {
			if res.ExitCode, err = strconv.ParseInt(*exit, 10, 64); err != nil {
				return usagef("bad --exit %q", *exit)
			}
		}
		if *memory != "" {
			if res.PeakMemory, err = query.ParseSize(*memory); err != nil {
				return usagef("bad --memory: %v", err)
			}
		}
		if err := db.FinishRun(ctx, *job, att, res); errors.Is(err, engine.ErrRunFinished) {
			return fmt.Errorf("%w (a new attempt: %s)", err, retryCommand(err))
		} else if err != nil {
			return err
		}
	case "retry":
		info, err := db.Retry(ctx, *job)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, info.Attempt)
	case "pin", "unpin":
		return db.Pin(ctx, *job, att, sub == "pin")
	case "delete":
		if *attempt == "" {
			return usagef("delete needs --attempt: it deletes one run")
		}
		return db.DeleteRun(ctx, *job, att)
	case "show":
		info, err := db.Run(ctx, *job, att)
		if err != nil {
			return err
		}
		if *format == "json" {
			return json.NewEncoder(m.Stdout).Encode(runJSON(&info))
		}
		return showRun(m, &info)
	default:
		return usagef("unknown subcommand %q (want start, finish, retry, pin, unpin, show or delete)", sub)
	}
	return nil
}

// runJSON is a run record as JSON, with the field names of the runs
// listing (see README, "Runs").
func runJSON(r *engine.RunInfo) map[string]any {
	at := func(ns int64) any {
		if ns == 0 {
			return nil
		}
		return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
	}
	return map[string]any{
		"job": r.Job, "attempt": r.Attempt, "kind": r.Kind, "status": r.Status.String(),
		"labels": r.Labels.Map(), "pinned": r.Pinned,
		"trigger": at(r.Triggered), "start": at(r.Started), "end": at(r.Ended),
		"duration": float64(r.Duration.Round(time.Microsecond)) / float64(time.Millisecond), "billed": r.BilledDuration.Milliseconds(),
		"memory": r.PeakMemory, "exit": r.ExitCode, "message": r.ExitMessage,
		"lines": r.Lines, "bytes": r.Bytes,
		"errors": r.Levels[engine.Error] + r.Levels[engine.Fatal], "warnings": r.Levels[engine.Warn],
	}
}

// memoryText shows a run's peak memory as the runs table does, with the
// exact bytes: "64 MiB (67108864 bytes)"; "—" when unknown (0).
func memoryText(n int64) string {
	if n == 0 {
		return "—"
	}
	h, _ := output.RunValue("memory", n)
	return fmt.Sprintf("%s (%d bytes)", h, n)
}

// showRun prints a run's record for people, the job, kind, labels and
// exit message escaped (see output.Escape).
func showRun(m *Main, r *engine.RunInfo) error {
	at := func(ns int64) string {
		if ns == 0 {
			return "—"
		}
		return time.Unix(0, ns).Local().Format("2006-01-02 15:04:05.000")
	}
	orNone := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	rows := [][2]string{
		{"run", fmt.Sprintf("%s/%d", output.Escape(r.Job), r.Attempt)},
		{"status", r.Status.String()},
		{"kind", orNone(output.Escape(r.Kind))},
		{"labels", orNone(output.Escape(r.Labels.String()))},
		{"triggered", at(r.Triggered)},
		{"started", at(r.Started)},
		{"ended", at(r.Ended)},
		{"duration", fmt.Sprintf("%v (billed %v)", r.Duration, r.BilledDuration)},
		{"memory", memoryText(r.PeakMemory)},
		{"exit", strings.TrimSpace(fmt.Sprintf("%d %s", r.ExitCode, output.Escape(r.ExitMessage)))},
		{"lines", fmt.Sprintf("%d (%d errors, %d warnings), %d bytes", r.Lines, r.Levels[engine.Error]+r.Levels[engine.Fatal], r.Levels[engine.Warn], r.Bytes)},
		{"pinned", fmt.Sprint(r.Pinned)},
	}
	for _, row := range rows {
		fmt.Fprintf(m.Stdout, "%-10s %s\n", row[0], row[1])
	}
	return nil
}
