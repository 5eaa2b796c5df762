package client

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/logdb/logdb/engine"
)

// The run commands. Their methods have the names and signatures of
// engine.DB's, so that one interface covers a DB and a Client.

// StartRun creates a run, or updates a run that has not finished, with
// the kind, labels and times of spec (START), and returns its record.
// spec.Attempt is a number from 0 or engine.NextAttempt. A label name may
// not hold '=', which START uses to split name=value.
func (c *Client) StartRun(ctx context.Context, spec engine.RunSpec) (engine.RunInfo, error) {
	att := attemptArg(spec.Attempt)
	if spec.Attempt == engine.NextAttempt {
		att = "next"
	}
	args := []string{"START", spec.Job, att}
	if spec.Kind != "" {
		args = append(args, "KIND", spec.Kind)
	}
	for _, l := range spec.Labels {
		if strings.Contains(l.Name, "=") {
			return engine.RunInfo{}, fmt.Errorf("client: label name %q holds '=', which START cannot send", l.Name)
		}
		args = append(args, "LABEL", l.Name+"="+l.Value)
	}
	if spec.Triggered != 0 {
		args = append(args, "TRIGGER", strconv.FormatInt(spec.Triggered, 10))
	}
	if spec.Started != 0 {
		args = append(args, "STARTED", strconv.FormatInt(spec.Started, 10))
	}
	if spec.Waiting {
		args = append(args, "STATE", "waiting")
	}
	return c.runRecord(ctx, args...)
}

// Retry starts the attempt after job's latest, with the latest attempt's
// kind and labels (RETRY), and returns its record. It returns an error
// matching engine.ErrRunNotFound if the job has no runs.
func (c *Client) Retry(ctx context.Context, job string) (engine.RunInfo, error) {
	return c.runRecord(ctx, "RETRY", job)
}

// FinishRun ends a run (FINISH) with res.Status (Success, Failed or
// Canceled), its exit code and message, end time, duration and peak memory
// (those three when above 0); followers get the final state. Finishing a
// finished run returns an error matching engine.ErrRunFinished.
func (c *Client) FinishRun(ctx context.Context, job string, attempt int, res engine.RunResult) error {
	args := []string{"FINISH", job, attemptArg(attempt), res.Status.String(), "EXIT", strconv.FormatInt(res.ExitCode, 10)}
	if res.Message != "" {
		args = append(args, "MESSAGE", res.Message)
	}
	if res.Ended > 0 {
		args = append(args, "ENDED", strconv.FormatInt(res.Ended, 10))
	}
	if res.Duration > 0 {
		// time.ParseDuration reads String's output back exactly.
		args = append(args, "DURATION", res.Duration.String())
	}
	if res.PeakMemory > 0 {
		args = append(args, "MEMORY", strconv.FormatInt(res.PeakMemory, 10))
	}
	_, err := c.Do(ctx, args...)
	return err
}

// Pin exempts a run from retention (PIN), or with pinned false makes it
// subject to it again (UNPIN).
func (c *Client) Pin(ctx context.Context, job string, attempt int, pinned bool) error {
	cmd := "UNPIN"
	if pinned {
		cmd = "PIN"
	}
	_, err := c.Do(ctx, cmd, job, attemptArg(attempt))
	return err
}

// DeleteRun deletes a run, its lines and its index documents (DELRUN).
func (c *Client) DeleteRun(ctx context.Context, job string, attempt int) error {
	_, err := c.Do(ctx, "DELRUN", job, attemptArg(attempt))
	return err
}

// Run returns a run's record (RUN), or an error matching
// engine.ErrRunNotFound.
func (c *Client) Run(ctx context.Context, job string, attempt int) (engine.RunInfo, error) {
	return c.runRecord(ctx, "RUN", job, attemptArg(attempt))
}

// Runs returns every run's record (RUNS), ordered by job and attempt.
func (c *Client) Runs(ctx context.Context) ([]engine.RunInfo, error) {
	v, err := c.Do(ctx, "RUNS")
	if err != nil {
		return nil, err
	}
	return runInfos("RUNS", v)
}

// runRecord sends a command that answers a run's record.
func (c *Client) runRecord(ctx context.Context, args ...string) (engine.RunInfo, error) {
	v, err := c.Do(ctx, args...)
	if err != nil {
		return engine.RunInfo{}, err
	}
	return runInfo(v)
}

// runInfos reads an array of run records, nil if empty, as the engine
// returns none.
func runInfos(cmd string, v any) ([]engine.RunInfo, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s answered %T", ErrProtocol, cmd, v)
	}
	var out []engine.RunInfo
	for _, x := range a {
		info, err := runInfo(x)
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// runInfo reads a run record written by the server's writeRunInfo.
func runInfo(v any) (engine.RunInfo, error) {
	m, err := fields(v)
	if err != nil {
		return engine.RunInfo{}, err
	}
	st, _ := engine.ParseRunStatus(str(m["state"]))
	info := engine.RunInfo{
		Job: str(m["job"]), Attempt: int(num(m["attempt"])), Kind: str(m["kind"]), Status: st,
		Pinned: num(m["pinned"]) == 1, Labels: labels(m["labels"], nil),
		Lines: num(m["line_count"]), Bytes: num(m["bytes"]),
		Triggered: unixTime(m["trigger_time"]), Started: unixTime(m["start_time"]), Ended: unixTime(m["end_time"]),
		Created: unixTime(m["created_time"]), Updated: unixTime(m["updated_time"]),
		FirstTime: unixTime(m["first_time"]), LastTime: unixTime(m["last_time"]),
		Duration: time.Duration(num(m["duration_ns"])), BilledDuration: time.Duration(num(m["billed_ns"])),
		PeakMemory: num(m["peak_memory"]), ExitCode: num(m["exit_code"]), ExitMessage: str(m["exit_message"]),
	}
	levels, _ := m["levels"].([]any)
	for i := 0; i+1 < len(levels); i += 2 {
		name := str(levels[i])
		l, ok := engine.ParseLevel(name)
		if name == "none" {
			l, ok = engine.NoLevel, true
		}
		if ok {
			info.Levels[l] = num(levels[i+1])
		}
	}
	return info, nil
}
