package server

import (
	"context"

	"github.com/logdb/logdb/engine"
)

// The run commands: FINISH ends a run (its followers then get its final
// state), RUN shows one run's record and RUNS every run's.

func init() {
	register(
		&command{
			name: "FINISH", arity: -4, run: cmdFinish,
			usage:   "FINISH job attempt success|failed|canceled [exit_code [message]]",
			summary: "end a run: followers get its final state and stop",
		},
		&command{
			name: "RUN", arity: 3, run: cmdRun,
			usage:   "RUN job attempt",
			summary: "a run's record: state, times, exit code, line and byte counts, labels",
		},
		&command{
			name: "RUNS", arity: 1, run: cmdRuns,
			usage:   "RUNS",
			summary: "every run's record, by job and attempt (QUERY … OVER runs filters and sorts them)",
		},
	)
}

func cmdFinish(c *conn, args [][]byte) error {
	if len(args) > 6 {
		return errorf("wrong number of arguments for 'finish' command (usage: %s)", commands["FINISH"].usage)
	}
	attempt, err := parseAttempt(args[2])
	if err != nil {
		return err
	}
	st, ok := engine.ParseRunStatus(string(args[3]))
	if !ok || !st.Finished() {
		return errorf("a run finishes as success, failed or canceled, not %q", truncate(string(args[3]), 32))
	}
	res := engine.RunResult{Status: st}
	if len(args) > 4 {
		if res.ExitCode, err = parseInt("exit code", args[4]); err != nil {
			return err
		}
	}
	if len(args) > 5 {
		res.Message = string(args[5])
	}
	if err := c.srv.db.FinishRun(context.WithoutCancel(c.ctx), string(args[1]), attempt, res); err != nil {
		return err
	}
	c.w.Simple("OK")
	return nil
}

func cmdRun(c *conn, args [][]byte) error {
	attempt, err := parseAttempt(args[2])
	if err != nil {
		return err
	}
	info, err := c.srv.db.Run(c.ctx, string(args[1]), attempt)
	if err != nil {
		return err
	}
	writeRunInfo(c.w, &info)
	return nil
}

func cmdRuns(c *conn, args [][]byte) error {
	ctx, done := c.commandContext()
	defer done()
	runs, err := c.srv.db.Runs(ctx)
	if err != nil {
		return err
	}
	c.w.Array(len(runs))
	for i := range runs {
		writeRunInfo(c.w, &runs[i])
	}
	return nil
}

// writeRunInfo writes a run's record as a flat key/value array: every
// field of engine.RunInfo, times as text (nil when unknown), durations in
// nanoseconds, the lines per level as [level, count, …] for the levels
// present.
func writeRunInfo(w *Writer, r *engine.RunInfo) {
	w.Array(2 * 21)
	w.String("job")
	w.String(r.Job)
	w.String("attempt")
	w.Int(int64(r.Attempt))
	w.String("kind")
	w.String(r.Kind)
	w.String("state")
	w.String(r.Status.String())
	w.String("pinned")
	w.Bool(r.Pinned)
	w.String("labels")
	writeLabels(w, r.Labels)
	w.String("line_count")
	w.Int(r.Lines)
	w.String("bytes")
	w.Int(r.Bytes)
	w.String("levels")
	n := 0
	for _, c := range r.Levels {
		if c > 0 {
			n++
		}
	}
	w.Array(2 * n)
	for l, c := range r.Levels {
		if c > 0 {
			name := engine.Level(l).String()
			if name == "" {
				name = "none"
			}
			w.String(name)
			w.Int(c)
		}
	}
	w.String("trigger_time")
	w.Time(r.Triggered)
	w.String("start_time")
	w.Time(r.Started)
	w.String("end_time")
	w.Time(r.Ended)
	w.String("created_time")
	w.Time(r.Created)
	w.String("updated_time")
	w.Time(r.Updated)
	w.String("first_time")
	w.Time(r.FirstTime)
	w.String("last_time")
	w.Time(r.LastTime)
	w.String("duration_ns")
	w.Int(int64(r.Duration))
	w.String("billed_ns")
	w.Int(int64(r.BilledDuration))
	w.String("peak_memory")
	w.Int(r.PeakMemory)
	w.String("exit_code")
	w.Int(r.ExitCode)
	w.String("exit_message")
	w.String(r.ExitMessage)
}
