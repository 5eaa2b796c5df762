package server_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
)

// do sends one request and returns its rendered reply.
func (r *rawConn) do(req string) string {
	r.t.Helper()
	r.send(req + "\r\n")
	return r.reply()
}

// An exchange is a request and the start of the reply it should get.
type exchange struct{ req, want string }

// expect sends each request and checks the start of its reply, and that
// errors stay short; then that the connection still answers PING.
func (r *rawConn) expect(xs []exchange) {
	r.t.Helper()
	for _, x := range xs {
		got := r.do(x.req)
		if !strings.HasPrefix(got, x.want) {
			r.t.Errorf("%q:\n got %s\nwant %s…", x.req, got, x.want)
		}
		if strings.HasPrefix(got, "-") && len(got) > 300 {
			r.t.Errorf("%q: an error of %d bytes", x.req, len(got))
		}
	}
	if got := r.do("PING"); got != "+PONG" {
		r.t.Fatalf("connection not usable: %s", got)
	}
}

// dbRun returns the engine's record of a run, labels nil when empty as the
// client returns them.
func (ts *testServer) dbRun(t *testing.T, job string, attempt int) engine.RunInfo {
	t.Helper()
	info, err := ts.db.Run(ctx, job, attempt)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Labels) == 0 {
		info.Labels = nil
	}
	return info
}

// Ensure that START creates a run with the next or a given attempt, its
// kind, repeated labels, trigger and start times and waiting state, that
// RUN then shows the same record, and that a waiting run starts with the
// next START.
func TestServer_Start(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	got := r.do(`START etl next KIND scheduled LABEL flow=orders LABEL env=prod LABEL "note=a = b" TRIGGER 2025-03-20T10:00:00Z STARTED 1742464805000000000`)
	want := `["job" "etl" "attempt" :0 "kind" "scheduled" "state" "running" "pinned" :0 "labels" ["env" "prod" "flow" "orders" "note" "a = b"] "line_count" :0 "bytes" :0 "levels" [] "trigger_time" "2025-03-20T10:00:00.000000000Z" "start_time" "2025-03-20T10:00:05.000000000Z" "end_time" nil "created_time" "`
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, `"duration_ns" :0 "billed_ns" :0 "peak_memory" :0 "exit_code" :0 "exit_message" ""]`) {
		t.Fatalf("START:\n got %s\nwant %s…", got, want)
	}
	if run := r.do("RUN etl 0"); run != got {
		t.Fatalf("RUN after START:\n got %s\nwant %s", run, got)
	}

	// next after 0 is 1; an explicit attempt may skip ahead.
	if got := r.do("START etl NEXT"); !strings.HasPrefix(got, `["job" "etl" "attempt" :1 "kind" "" "state" "running"`) {
		t.Fatalf("START next: %s", got)
	}
	if got := r.do("START etl 7 STATE waiting KIND api"); !strings.HasPrefix(got, `["job" "etl" "attempt" :7 "kind" "api" "state" "waiting"`) || !strings.Contains(got, `"start_time" nil`) {
		t.Fatalf("START waiting: %s", got)
	}
	if got := r.do("START etl next"); !strings.HasPrefix(got, `["job" "etl" "attempt" :8 `) {
		t.Fatalf("START next after 7: %s", got)
	}
	c := ts.dial(t, nil)
	info, err := c.StartRun(ctx, engine.RunSpec{Job: "etl", Attempt: 7, Labels: engine.Labels{{Name: "team", Value: "data"}}})
	if err != nil {
		t.Fatal(err)
	}
	if info.Status != engine.Running || info.Started == 0 || info.Kind != "api" || info.Labels.Map()["team"] != "data" {
		t.Fatalf("a waiting run started again: %+v", info)
	}
	if want := ts.dbRun(t, "etl", 7); !reflect.DeepEqual(info, want) {
		t.Fatalf("START's record differs from the engine's:\n got %+v\nwant %+v", info, want)
	}

	// A finished run cannot start again; a new attempt is a new run.
	if got := r.do("FINISH etl 1 success"); got != "+OK" {
		t.Fatalf("FINISH: %s", got)
	}
	if got := r.do("START etl 1"); !strings.HasPrefix(got, "-FINISHED run finished: etl/1 ended as success") {
		t.Fatalf("START of a finished run: %s", got)
	}
	if _, err := c.StartRun(ctx, engine.RunSpec{Job: "etl", Attempt: 1}); !errors.Is(err, engine.ErrRunFinished) {
		t.Fatalf("client StartRun of a finished run: %v", err)
	}
}

// Ensure that RETRY opens the attempt after the latest with its kind and
// labels.
func TestServer_Retry(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	r.do("START deploy 0 KIND api LABEL env=prod LABEL region=eu")
	if got := r.do("FINISH deploy 0 failed 1 boom"); got != "+OK" {
		t.Fatalf("FINISH: %s", got)
	}
	got := r.do("RETRY deploy")
	if !strings.HasPrefix(got, `["job" "deploy" "attempt" :1 "kind" "api" "state" "running" "pinned" :0 "labels" ["env" "prod" "region" "eu"] "line_count" :0`) {
		t.Fatalf("RETRY: %s", got)
	}
	if got := r.do("RETRY nosuch"); !strings.HasPrefix(got, "-NOTFOUND") {
		t.Fatalf("RETRY of a job without runs: %s", got)
	}
	c := ts.dial(t, nil)
	info, err := c.Retry(ctx, "deploy")
	if err != nil || info.Attempt != 2 || info.Kind != "api" || len(info.Labels) != 2 {
		t.Fatalf("client Retry: %+v %v", info, err)
	}
}

// Ensure that FINISH takes the exit code and message by position, as it
// always has, and by keyword, with the end time, the duration (a Go
// duration or milliseconds; billed rounded up to 100 ms) and the peak
// memory (bytes or a size).
func TestServer_FinishOptions(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	c := ts.dial(t, nil)
	const started = "2025-03-20T10:00:00Z"
	t0 := time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC).UnixNano()
	for i, tt := range []struct {
		args     string
		exit     int64
		msg      string
		ended    int64 // 0: now
		dur      time.Duration
		billed   time.Duration
		memory   int64
		finished engine.RunStatus
	}{
		{args: "success", finished: engine.Success},
		{args: "failed 2", exit: 2, finished: engine.Failed},
		{args: `failed 2 "oom killed" DURATION 1.5s MEMORY 128MiB`, exit: 2, msg: "oom killed", dur: 1500 * time.Millisecond, billed: 1500 * time.Millisecond, memory: 128 << 20, finished: engine.Failed},
		{args: "failed 3 DURATION 2.735", exit: 3, dur: 2735 * time.Microsecond, billed: 100 * time.Millisecond, finished: engine.Failed},
		{args: `canceled EXIT 130 MESSAGE "sigint" duration 250ms memory 1048576`, exit: 130, msg: "sigint", dur: 250 * time.Millisecond, billed: 300 * time.Millisecond, memory: 1 << 20, finished: engine.Canceled},
		{args: "success MEMORY 1.5KB DURATION 0", dur: 0, memory: 1500, finished: engine.Success},
		{args: "success 0 DURATION", msg: "DURATION", finished: engine.Success}, // a positional message that names an option
		{args: "failed ENDED 2025-03-20T10:00:02.05Z", ended: t0 + 2050*int64(time.Millisecond), dur: 2050 * time.Millisecond, billed: 2100 * time.Millisecond, finished: engine.Failed},
		{args: "ok 0 done ENDED 1742464801000000000 DURATION 0.0001", msg: "done", ended: t0 + int64(time.Second), dur: 100 * time.Nanosecond, billed: 100 * time.Millisecond, finished: engine.Success},
	} {
		job := "job" + string(rune('a'+i))
		r.do("START " + job + " 0 STARTED " + started)
		if got := r.do("FINISH " + job + " 0 " + tt.args); got != "+OK" {
			t.Fatalf("FINISH %s: %s", tt.args, got)
		}
		info, err := c.Run(ctx, job, 0)
		if err != nil {
			t.Fatal(err)
		}
		if tt.dur == 0 && tt.ended == 0 {
			// No duration given: it is the time since STARTED.
			tt.dur = time.Duration(info.Ended - t0)
			tt.billed = (tt.dur + 100*time.Millisecond - 1) / (100 * time.Millisecond) * (100 * time.Millisecond)
		}
		if info.Status != tt.finished || info.ExitCode != tt.exit || info.ExitMessage != tt.msg || info.Duration != tt.dur || info.BilledDuration != tt.billed || info.PeakMemory != tt.memory || tt.ended != 0 && info.Ended != tt.ended {
			t.Errorf("FINISH %s: got %s exit %d %q ended %d duration %v billed %v memory %d", tt.args, info.Status, info.ExitCode, info.ExitMessage, info.Ended, info.Duration, info.BilledDuration, info.PeakMemory)
		}
	}
	if got := r.do("FINISH joba 0 success"); !strings.HasPrefix(got, "-FINISHED") {
		t.Fatalf("FINISH twice: %s", got)
	}

	// The client sends every field of engine.RunResult.
	r.do("START viaclient 0 STARTED " + started)
	res := engine.RunResult{Status: engine.Failed, ExitCode: -1, Message: "killed by\nsignal 9", Ended: t0 + 5e9, Duration: 1234567891 * time.Nanosecond, PeakMemory: 3 << 30}
	if err := c.FinishRun(ctx, "viaclient", engine.Latest, res); err != nil {
		t.Fatal(err)
	}
	info, err := c.Run(ctx, "viaclient", 0)
	if err != nil {
		t.Fatal(err)
	}
	if info.ExitCode != -1 || info.ExitMessage != res.Message || info.Ended != res.Ended || info.Duration != res.Duration || info.BilledDuration != 1300*time.Millisecond || info.PeakMemory != res.PeakMemory {
		t.Fatalf("client FinishRun: %+v", info)
	}
	if err := c.FinishRun(ctx, "viaclient", 0, engine.RunResult{Status: engine.Success}); !errors.Is(err, engine.ErrRunFinished) {
		t.Fatalf("client FinishRun twice: %v", err)
	}
}

// Ensure that PIN and UNPIN show in RUN, and that DELRUN deletes a run's
// record and lines.
func TestServer_PinDelRun(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	c := ts.dial(t, nil)
	if _, err := c.AppendText(ctx, "nightly", 0, "INFO one", "ERROR two"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppendText(ctx, "nightly", 1, "INFO again"); err != nil {
		t.Fatal(err)
	}
	if got := r.do("PIN nightly 0"); got != "+OK" {
		t.Fatalf("PIN: %s", got)
	}
	if got := r.do("RUN nightly 0"); !strings.Contains(got, `"pinned" :1`) {
		t.Fatalf("RUN after PIN: %s", got)
	}
	if got := r.do("UNPIN nightly 0"); got != "+OK" {
		t.Fatalf("UNPIN: %s", got)
	}
	if got := r.do("RUN nightly 0"); !strings.Contains(got, `"pinned" :0`) {
		t.Fatalf("RUN after UNPIN: %s", got)
	}
	if err := c.Pin(ctx, "nightly", engine.Latest, true); err != nil {
		t.Fatal(err)
	}
	if info, err := c.Run(ctx, "nightly", 1); err != nil || !info.Pinned {
		t.Fatalf("client Pin latest: %+v %v", info, err)
	}
	for _, req := range []string{"PIN nosuch 0", "UNPIN nightly 5"} {
		if got := r.do(req); !strings.HasPrefix(got, "-NOTFOUND") {
			t.Fatalf("%s: %s", req, got)
		}
	}

	if got := r.do("DELRUN nightly 0"); got != "+OK" {
		t.Fatalf("DELRUN: %s", got)
	}
	for _, req := range []string{"RUN nightly 0", "READ nightly 0", "DELRUN nightly 0"} {
		if got := r.do(req); !strings.HasPrefix(got, "-NOTFOUND") {
			t.Fatalf("%s after DELRUN: %s", req, got)
		}
	}
	if got := r.do(`QUERY "two"`); !strings.HasPrefix(got, `["rows" [] `) {
		t.Fatalf("QUERY finds a deleted run's line: %s", got)
	}
	if err := c.DeleteRun(ctx, "nightly", engine.Latest); err != nil {
		t.Fatal(err)
	}
	if runs, err := c.Runs(ctx); err != nil || len(runs) != 0 {
		t.Fatalf("RUNS after deleting both: %+v %v", runs, err)
	}
	if err := c.DeleteRun(ctx, "nightly", 0); !errors.Is(err, engine.ErrRunNotFound) {
		t.Fatalf("client DeleteRun of a deleted run: %v", err)
	}
}

// Ensure that malformed run commands are answered with an error naming
// the bad value, change nothing, and leave the connection usable.
func TestServer_RunCommandsMalformed(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	r.expect([]exchange{
		{"START j", "-ERR wrong number of arguments for 'start' command (usage: START job attempt|next"},
		{"START j nope", `-ERR bad attempt "nope"`},
		{"START j latest", `-ERR START takes an attempt number from 0, or next, not "latest"`},
		{"START j -1", `-ERR START takes an attempt number from 0, or next, not "-1"`},
		{"START j 99999999999", `-ERR bad attempt "99999999999"`},
		{`START "" 0`, `-ERR a run needs a job name`},
		{"START j 0 LABEL novalue", `-ERR LABEL takes name=value, not "novalue"`},
		{"START j 0 LABEL =v", `-ERR LABEL takes name=value, not "=v"`},
		{"START j 0 LABEL", "-ERR option LABEL needs a value"},
		{"START j 0 STATE done", `-ERR STATE is running or waiting, not "done"`},
		{"START j 0 STATE success", `-ERR STATE is running or waiting, not "success"`},
		{"START j 0 TRIGGER yesterday", `-ERR bad TRIGGER time "yesterday" (want Unix nanoseconds or RFC 3339)`},
		{"START j 0 STARTED 2025-13-01", `-ERR bad STARTED time "2025-13-01"`},
		{"START j 0 COLOR red", `-ERR unknown option "COLOR" (want KIND, TRIGGER, STARTED, STATE, LABEL)`},
		{"START j 0 KIND a kind b", "-ERR option KIND given twice"},
		{"RETRY", "-ERR wrong number of arguments for 'retry' command"},
		{"FINISH j 0 failed nope", `-ERR exit code must be an integer, not "nope" (or options: EXIT, MESSAGE, ENDED, DURATION, MEMORY)`},
		{"FINISH j 0 done", `-ERR a run finishes as success, failed or canceled, not "done"`},
		{"FINISH j x failed", `-ERR bad attempt "x"`},
		{"FINISH j 0 failed DURATION -1s", `-ERR bad DURATION "-1s"`},
		{"FINISH j 0 failed DURATION -5", `-ERR DURATION must be from 0 to 292 years, not "-5"`},
		{"FINISH j 0 failed DURATION NaN", `-ERR DURATION must be from 0 to 292 years, not "NaN"`},
		{"FINISH j 0 failed DURATION 1e300", `-ERR DURATION must be from 0 to 292 years, not "1e300"`},
		{"FINISH j 0 failed DURATION soon", `-ERR bad DURATION "soon" (want a duration from 0, as 1.5s or 2.735ms, or milliseconds)`},
		{"FINISH j 0 failed DURATION", "-ERR option DURATION needs a value"},
		{"FINISH j 0 failed MEMORY lots", `-ERR bad MEMORY "lots"`},
		{"FINISH j 0 failed MEMORY -1", `-ERR bad MEMORY "-1"`},
		{"FINISH j 0 failed MEMORY -1KiB", `-ERR bad MEMORY "-1KiB"`},
		{"FINISH j 0 failed ENDED later", `-ERR bad ENDED time "later"`},
		{"FINISH j 0 failed 1 EXIT 2", "-ERR exit code given twice: 1, and EXIT 2"},
		{"FINISH j 0 failed 1 msg MESSAGE other", `-ERR message given twice: "msg", and MESSAGE "other"`},
		{"FINISH j 0 failed EXIT x", `-ERR EXIT must be an integer, not "x"`},
		{"FINISH j 0 failed 1 msg extra", `-ERR unknown option "extra"`},
		{"FINISH j 0 failed EXIT 1 EXIT 1", "-ERR option EXIT given twice"},
		{"FINISH nosuch 0 failed", "-NOTFOUND"},
		{"PIN j x", `-ERR bad attempt "x"`},
		{"PIN j", "-ERR wrong number of arguments for 'pin' command (usage: PIN job attempt)"},
		{"UNPIN j 0 1", "-ERR wrong number of arguments for 'unpin' command"},
		{"DELRUN j next", `-ERR bad attempt "next"`},
		{"DELRUN nosuch latest", `-NOTFOUND run not found: job "nosuch" has no runs`},
	})
	if got := r.do("RUNS"); got != "[]" {
		t.Fatalf("malformed requests made runs: %s", got)
	}
}

// Ensure that HELP lists the run commands and shows each.
func TestServer_RunCommandsHelp(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	all := r.do("HELP")
	for _, name := range []string{"START", "RETRY", "FINISH", "PIN", "UNPIN", "DELRUN", "RUN", "RUNS", "GC"} {
		if !strings.Contains(all, `"`+name+" ") {
			t.Errorf("HELP lacks %s: %s", name, all)
		}
	}
	if got := r.do("HELP gc"); !strings.HasPrefix(got, `["GC [MAXAGE age] [RULE rule]... [INCLUDERUNNING] [DRYRUN] -- `) {
		t.Errorf("HELP gc: %s", got)
	}
}
