package server

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/query"
)

// The run commands change and show runs' records as the engine's methods
// of the same names do: START (StartRun), RETRY, FINISH (FinishRun; the
// run's followers then get its final state), PIN and UNPIN (Pin), DELRUN
// (DeleteRun); RUN shows one record and RUNS every one.
//
// A write, once its request has arrived whole, runs to the end even if the
// client hangs up, as an append does (context.WithoutCancel): a hang-up
// must not leave a run half-deleted.

func init() {
	register(
		&command{
			name: "START", arity: -3, run: cmdStart,
			usage:   "START job attempt|next [KIND kind] [LABEL name=value]... [TRIGGER time] [STARTED time] [STATE running|waiting]",
			summary: "start a run, or update one not finished (times: Unix ns or RFC 3339; STARTED defaults to now); answers its record",
		},
		&command{
			name: "RETRY", arity: 2, run: cmdRetry,
			usage:   "RETRY job",
			summary: "start the attempt after the job's latest, with the latest's kind and labels; answers its record",
		},
		&command{
			name: "FINISH", arity: -4, run: cmdFinish,
			usage:   "FINISH job attempt success|failed|canceled [exit_code [message]] [EXIT n] [MESSAGE m] [ENDED time] [DURATION d] [MEMORY bytes]",
			summary: "end a run (ENDED defaults to now; DURATION 1.5s, or ms; MEMORY 131072 or 128MiB): followers get its final state and stop",
		},
		&command{
			name: "PIN", arity: 3, run: cmdPin,
			usage:   "PIN job attempt",
			summary: "exempt a run from retention (GC)",
		},
		&command{
			name: "UNPIN", arity: 3, run: cmdPin,
			usage:   "UNPIN job attempt",
			summary: "make a pinned run subject to retention again",
		},
		&command{
			name: "DELRUN", arity: 3, run: cmdDelRun,
			usage:   "DELRUN job attempt",
			summary: "delete a run: its record, lines and index entries",
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

func cmdStart(c *conn, args [][]byte) error {
	spec, err := parseRunSpec(args[1:])
	if err != nil {
		return err
	}
	info, err := c.srv.db.StartRun(context.WithoutCancel(c.ctx), spec)
	if err != nil {
		return err
	}
	writeRunInfo(c.w, &info)
	return nil
}

var startOptions = optionSpec{once: []string{"KIND", "TRIGGER", "STARTED", "STATE"}, many: []string{"LABEL"}}

// parseRunSpec reads START's arguments: job, attempt and options.
func parseRunSpec(args [][]byte) (engine.RunSpec, error) {
	spec := engine.RunSpec{Job: string(args[0])}
	if spec.Job == "" {
		return spec, errorf("a run needs a job name, not \"\"")
	}
	if strings.EqualFold(string(args[1]), "next") {
		spec.Attempt = engine.NextAttempt
	} else {
		n, err := parseAttempt(args[1])
		if err != nil {
			return spec, err
		}
		if n < 0 {
			return spec, errorf("START takes an attempt number from 0, or next, not %q", truncate(string(args[1]), 64))
		}
		spec.Attempt = n
	}
	opts, err := startOptions.parse(args[2:])
	if err != nil {
		return spec, err
	}
	if v := opts["KIND"]; v != nil {
		spec.Kind = v[0]
	}
	for _, l := range opts["LABEL"] {
		name, value, ok := strings.Cut(l, "=")
		if !ok || name == "" {
			return spec, errorf("LABEL takes name=value, not %q", truncate(l, 64))
		}
		spec.Labels = append(spec.Labels, engine.Label{Name: name, Value: value})
	}
	if v := opts["TRIGGER"]; v != nil {
		if spec.Triggered, err = parseTime("TRIGGER time", []byte(v[0])); err != nil {
			return spec, err
		}
	}
	if v := opts["STARTED"]; v != nil {
		if spec.Started, err = parseTime("STARTED time", []byte(v[0])); err != nil {
			return spec, err
		}
	}
	if v := opts["STATE"]; v != nil {
		switch st, ok := engine.ParseRunStatus(v[0]); {
		case ok && st == engine.Running:
		case ok && st == engine.Waiting:
			spec.Waiting = true
		default:
			return spec, errorf("STATE is running or waiting, not %q (FINISH ends a run)", truncate(v[0], 64))
		}
	}
	return spec, nil
}

func cmdRetry(c *conn, args [][]byte) error {
	info, err := c.srv.db.Retry(context.WithoutCancel(c.ctx), string(args[1]))
	if err != nil {
		return err
	}
	writeRunInfo(c.w, &info)
	return nil
}

func cmdFinish(c *conn, args [][]byte) error {
	attempt, err := parseAttempt(args[2])
	if err != nil {
		return err
	}
	res, err := parseRunResult(args[3:])
	if err != nil {
		return err
	}
	if err := c.srv.db.FinishRun(context.WithoutCancel(c.ctx), string(args[1]), attempt, res); err != nil {
		return err
	}
	c.w.Simple("OK")
	return nil
}

var finishOptions = optionSpec{once: []string{"EXIT", "MESSAGE", "ENDED", "DURATION", "MEMORY"}}

// parseRunResult reads FINISH's arguments after the attempt: the status,
// then an exit code and a message by position, as FINISH took them before
// it had options, then options. After an exit code, the next argument is
// the message unless it names an option and more arguments follow.
func parseRunResult(args [][]byte) (engine.RunResult, error) {
	st, ok := engine.ParseRunStatus(string(args[0]))
	if !ok || !st.Finished() {
		return engine.RunResult{}, errorf("a run finishes as success, failed or canceled, not %q", truncate(string(args[0]), 32))
	}
	res := engine.RunResult{Status: st}
	rest := args[1:]
	exitGiven, msgGiven := false, false
	if len(rest) > 0 {
		if n, err := strconv.ParseInt(string(rest[0]), 10, 64); err == nil {
			res.ExitCode, exitGiven, rest = n, true, rest[1:]
			if len(rest) == 1 || len(rest) > 1 && !finishOptions.has(rest[0]) {
				res.Message, msgGiven, rest = string(rest[0]), true, rest[1:]
			}
		} else if !finishOptions.has(rest[0]) {
			return res, errorf("exit code must be an integer, not %q (or options: %s)", truncate(string(rest[0]), 64), strings.Join(finishOptions.names(), ", "))
		}
	}
	opts, err := finishOptions.parse(rest)
	if err != nil {
		return res, err
	}
	if v := opts["EXIT"]; v != nil {
		if exitGiven {
			return res, errorf("exit code given twice: %d, and EXIT %s", res.ExitCode, truncate(v[0], 32))
		}
		if res.ExitCode, err = parseInt("EXIT", []byte(v[0])); err != nil {
			return res, err
		}
	}
	if v := opts["MESSAGE"]; v != nil {
		if msgGiven {
			return res, errorf("message given twice: %q, and MESSAGE %q", truncate(res.Message, 32), truncate(v[0], 32))
		}
		res.Message = v[0]
	}
	if v := opts["ENDED"]; v != nil {
		if res.Ended, err = parseTime("ENDED time", []byte(v[0])); err != nil {
			return res, err
		}
	}
	if v := opts["DURATION"]; v != nil {
		if res.Duration, err = parseDuration(v[0]); err != nil {
			return res, err
		}
	}
	if v := opts["MEMORY"]; v != nil {
		if res.PeakMemory, err = parseMemory(v[0]); err != nil {
			return res, err
		}
	}
	return res, nil
}

// parseDuration reads a run's DURATION: a Go duration ("1.5s", "2.735ms",
// "1m30s"), or a number of milliseconds ("2.735"), as logdb runs shows
// durations.
func parseDuration(s string) (time.Duration, error) {
	if ms, err := strconv.ParseFloat(s, 64); err == nil {
		// !(ms >= 0) is true for NaN too.
		if !(ms >= 0) || ms*float64(time.Millisecond) >= math.MaxInt64 {
			return 0, errorf("DURATION must be from 0 to 292 years, not %q", truncate(s, 64))
		}
		return time.Duration(math.Round(ms * float64(time.Millisecond))), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, errorf("bad DURATION %q (want a duration from 0, as 1.5s or 2.735ms, or milliseconds)", truncate(s, 64))
	}
	return d, nil
}

// parseMemory reads a run's peak MEMORY: bytes, or a size such as 128MiB.
func parseMemory(s string) (int64, error) {
	n, err := query.ParseSize(s)
	if err != nil || n < 0 {
		return 0, errorf("bad MEMORY %q (want bytes from 0, or a size such as 128KiB or 1.5GB)", truncate(s, 64))
	}
	return n, nil
}

// cmdPin answers PIN and UNPIN.
func cmdPin(c *conn, args [][]byte) error {
	attempt, err := parseAttempt(args[2])
	if err != nil {
		return err
	}
	pinned := strings.EqualFold(string(args[0]), "PIN")
	if err := c.srv.db.Pin(context.WithoutCancel(c.ctx), string(args[1]), attempt, pinned); err != nil {
		return err
	}
	c.w.Simple("OK")
	return nil
}

func cmdDelRun(c *conn, args [][]byte) error {
	attempt, err := parseAttempt(args[2])
	if err != nil {
		return err
	}
	if err := c.srv.db.DeleteRun(context.WithoutCancel(c.ctx), string(args[1]), attempt); err != nil {
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
