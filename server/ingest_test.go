package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/ingest"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/server"
)

// ingestText has multi-line entries (a stack trace, an indented
// continuation), a CRLF line, a blank line and lines that take the time of
// the line before.
const ingestText = "2025-03-20T10:00:00Z INFO starting build\n" +
	"2025-03-20T10:00:01Z ERROR boom\n" +
	"java.lang.IllegalStateException: x\n" +
	"\tat a.b.C.d(C.java:10)\n" +
	"\tat a.b.C.e(C.java:20)\n" +
	"2025-03-20 10:00:02,123 WARN [main] slow step\r\n" +
	"\n" +
	"plain line without a time\n" +
	"Mar 20 10:00:03 host app[12]: syslog line é\n" +
	"2025-03-20T10:00:04Z DEBUG last, no newline"

// ingestJSON has labels of every kind, a line that names its attempt, a
// nested object and a line without a time.
const ingestJSON = `{"time":"2025-03-20T10:00:00Z","level":"info","msg":"one","n":1,"ok":true,"host":"a"}
{"ts":"2025-03-20T10:00:01.5Z","severity":"ERROR","message":"two","attempt":2,"req":{"id":7}}
{"@timestamp":"2025-03-20T10:00:02Z","msg":"three é","tags":["x","y"]}
{"msg":"four, no time"}
`

// localIngest ingests data into a new DB as logdb ingest does, under job,
// and returns the DB.
func localIngest(t *testing.T, data string, opts ingest.Options) *engine.DB {
	t.Helper()
	db := testutil.MustOpenDB(t, nil)
	rd := ingest.NewReader(ingest.BinaryCheck(strings.NewReader(data)), "in.log", opts)
	if err := (&ingest.Loader{DB: db}).Load(ctx, rd); err != nil {
		t.Fatal(err)
	}
	return db
}

// runLines returns every line of every run of db whose job starts with
// prefix, with the prefix cut off the job.
func runLines(t *testing.T, db *engine.DB, job string, prefix bool) map[string][]engine.Entry {
	t.Helper()
	runs, err := db.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]engine.Entry{}
	for _, r := range runs {
		if r.Job != job && !(prefix && strings.HasPrefix(r.Job, job)) {
			continue
		}
		p, err := db.ReadLines(ctx, engine.ReadRequest{Job: r.Job, Attempt: r.Attempt, Count: 1000})
		if err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprint(r.Attempt)
		for i := range p.Entries {
			p.Entries[i].Job = ""
		}
		out[key] = p.Entries
	}
	return out
}

// ingestRaw sends an INGEST in the given chunks on a raw connection and
// returns the rendered replies of INGEST, of each INGEST.DATA and of
// INGEST.END.
func ingestRaw(t *testing.T, r *rawConn, args []string, chunks ...string) []string {
	t.Helper()
	var b strings.Builder
	writeArray(&b, append([]string{"INGEST"}, args...)...)
	for _, c := range chunks {
		writeArray(&b, "INGEST.DATA", c)
	}
	writeArray(&b, "INGEST.END")
	r.send(b.String()) // pipelined
	out := make([]string, 0, len(chunks)+2)
	for range len(chunks) + 2 {
		out = append(out, r.reply())
	}
	return out
}

func writeArray(b *strings.Builder, args ...string) {
	fmt.Fprintf(b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(b, "$%d\r\n%s\r\n", len(a), a)
	}
}

// Ensure that a stream cut in two at every byte, in the middle of a line,
// of a CRLF or of a UTF-8 sequence, is stored exactly as a local ingest
// stores it: every run, line, time, level and label, for text (with
// multi-line entries across the cut) and JSON.
func TestIngest_SplitEveryByte(t *testing.T) {
	for _, tc := range []struct {
		format, data string
	}{{"text", ingestText}, {"json", ingestJSON}} {
		t.Run(tc.format, func(t *testing.T) {
			ref := localIngest(t, tc.data, ingest.Options{Format: ingest.Format(tc.format), Job: "ref", Location: time.UTC})
			want := runLines(t, ref, "ref", false)
			if len(want) == 0 {
				t.Fatal("nothing stored locally")
			}
			ts := startServer(t, nil)
			r := ts.raw(t)
			for i := 0; i <= len(tc.data); i++ {
				job := fmt.Sprintf("split-%03d", i)
				got := ingestRaw(t, r, []string{"in.log", "FORMAT", tc.format, "JOB", job, "TZ", "UTC"}, tc.data[:i], tc.data[i:])
				if !strings.HasPrefix(got[0], ":") || got[1] != fmt.Sprintf(":%d", i) || got[2] != fmt.Sprintf(":%d", len(tc.data)) {
					t.Fatalf("cut at %d: replies %q", i, got)
				}
				if !strings.Contains(got[3], `"error" nil`) {
					t.Fatalf("cut at %d: report %s", i, got[3])
				}
				if lines := runLines(t, ts.db, job, false); !reflect.DeepEqual(lines, want) {
					t.Fatalf("cut at %d:\n got %+v\nwant %+v", i, lines, want)
				}
			}
			// And one byte a chunk.
			chunks := strings.Split(tc.data, "")
			ingestRaw(t, r, []string{"in.log", "FORMAT", tc.format, "JOB", "bytes", "TZ", "UTC"}, chunks...)
			if lines := runLines(t, ts.db, "bytes", false); !reflect.DeepEqual(lines, want) {
				t.Fatalf("a byte a chunk:\n got %+v\nwant %+v", lines, want)
			}
		})
	}
}

// Ensure that the report says what a local ingest's would: the format
// chosen, the layout counts, the lines stored, the runs, and a rejected
// line with its line number, every other line being stored.
func TestIngest_Report(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	data := ingestJSON + "{not json\n" + `{"msg":"after the bad line","job":"other"}` + "\n"
	rep, err := c.Ingest(ctx, strings.NewReader(data), client.IngestOptions{Name: "events.jsonl", Job: "events", TZ: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	want := &client.IngestReport{
		Name: "events.jsonl", Format: ingest.FormatJSON,
		Stats:  ingest.Stats{Lines: 5, WithTime: 3, WithLevel: 2, Layouts: map[string]int64{"json": 3}},
		Stored: 5, Runs: []client.RunKey{{Job: "events"}, {Job: "events", Attempt: 2}, {Job: "other"}},
		Rejected: 1, RejectedLines: []string{`events.jsonl:5: invalid JSON: invalid character 'n' at start of string (expecting '"') at byte 2`},
		Bytes: int64(len(data)),
	}
	if !reflect.DeepEqual(rep, want) {
		t.Fatalf("report\n got %+v\nwant %+v", rep, want)
	}
	if lines := runLines(t, ts.db, "other", false); len(lines["0"]) != 1 || lines["0"][0].Message != "after the bad line" {
		t.Fatalf("the line after the rejected one: %+v", lines)
	}
}

// Ensure that bad options are refused with a clear error before anything
// is sent, and that the connection stays usable.
func TestIngest_BadOptions(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	for _, tc := range []struct{ args, want string }{
		{"INGEST", "-ERR wrong number of arguments for 'ingest' command"},
		{"INGEST a FORMAT xml", `-ERR unknown format "xml" (want auto, json, logfmt or text)`},
		{"INGEST a ATTEMPT x", `-ERR bad attempt "x"`},
		{"INGEST a TZ Mars/Base", `-ERR unknown time zone "Mars/Base"`},
		{"INGEST a MAXLINEBYTES 0", `-ERR MAXLINEBYTES must be a positive number, not "0"`},
		{"INGEST a PATTERN (", "-ERR bad --pattern: missing closing )"},
		{"INGEST a COLOR red", `-ERR unknown option "COLOR" (want FORMAT, JOB, ATTEMPT, TIMEFORMAT, PATTERN, TZ, MAXLINEBYTES, BINARY)`},
		{"INGEST a JOB", "-ERR option JOB needs a value"},
		{`INGEST a JOB ""`, "-ERR JOB must not be empty"},
		{"INGEST.DATA x", "-ERR no INGEST under way on this connection"},
		{"INGEST.END", "-ERR no INGEST under way on this connection"},
	} {
		r.send(tc.args + "\r\n")
		if got := r.reply(); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: got %q, want %q…", tc.args, got, tc.want)
		}
	}
	r.send("INGEST a\r\nINGEST b\r\n")
	if got := r.reply(); !strings.HasPrefix(got, ":") {
		t.Fatalf("INGEST: %s", got)
	}
	if got := r.reply(); !strings.HasPrefix(got, `-ERR an INGEST of "a" is under way`) {
		t.Fatalf("a second INGEST: %s", got)
	}
	r.send("PING\r\n")
	if got := r.reply(); got != "+PONG" {
		t.Fatalf("PING: %s", got)
	}
}

// Ensure that an error that stops the load (a binary stream) is the reply
// of the next chunk and is in the report, and that client.Ingest returns
// it with errors.Is(err, ingest.ErrBinary).
func TestIngest_Binary(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	_, err := c.Ingest(ctx, strings.NewReader("ok\x00\x01\x02\n"), client.IngestOptions{Name: "a.bin"})
	if !errors.Is(err, ingest.ErrBinary) || !strings.Contains(err.Error(), "cannot read a.bin: binary data (a NUL byte at offset 2)") {
		t.Fatalf("binary: %v", err)
	}
	rep, err := c.Ingest(ctx, strings.NewReader("ok\x00\x01\x02\n"), client.IngestOptions{Name: "a.bin", Binary: true})
	if err != nil || rep.Stored != 1 {
		t.Fatalf("BINARY: %+v %v", rep, err)
	}
}

// Ensure that an ingest into a finished run fails with a FINISHED error
// that says which lines are stored.
func TestIngest_Finished(t *testing.T) {
	ts := startServer(t, nil)
	if _, err := ts.db.StartRun(ctx, engine.RunSpec{Job: "done"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.FinishRun(ctx, "done", 0, engine.RunResult{Status: engine.Success}); err != nil {
		t.Fatal(err)
	}
	c := ts.dial(t, nil)
	rep, err := c.Ingest(ctx, strings.NewReader("one\ntwo\n"), client.IngestOptions{Name: "done.log", Job: "done"})
	if !errors.Is(err, engine.ErrRunFinished) || rep == nil || rep.Stored != 0 {
		t.Fatalf("into a finished run: %+v %v", rep, err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("the connection after: %v", err)
	}
}

// Ensure that a connection dropped mid-stream keeps what was appended,
// ends the session's goroutine (INFO's ingest_sessions goes back to 0)
// and leaves the server serving.
func TestIngest_DropMidStream(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	var b strings.Builder
	writeArray(&b, "INGEST", "drop.log")
	// Enough lines of one run to fill blocks, which are appended as they
	// fill; the last, held back to fill a block, are dropped.
	var data strings.Builder
	for i := range 50000 {
		fmt.Fprintf(&data, "2025-03-20T10:00:00Z INFO line %d\n", i)
	}
	writeArray(&b, "INGEST.DATA", data.String())
	writeArray(&b, "INGEST.DATA", "cut in the mid")
	r.send(b.String())
	for range 3 {
		if got := r.reply(); !strings.HasPrefix(got, ":") {
			t.Fatalf("reply %s", got)
		}
	}
	c := ts.dial(t, nil)
	if n := ingestSessions(t, c); n != 1 {
		t.Fatalf("ingest_sessions while streaming: %d", n)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if info, err := ts.db.Run(ctx, "drop.log", 0); err == nil && info.Lines > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("nothing appended")
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.nc.Close()
	for ingestSessions(t, c) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the session's goroutine did not end after the connection closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	info, err := ts.db.Run(ctx, "drop.log", 0)
	if err != nil {
		t.Fatal(err)
	}
	if info.Lines == 0 || info.Lines >= 50000 {
		t.Fatalf("%d lines kept, want the full blocks appended before the drop", info.Lines)
	}
	p, err := ts.db.ReadLines(ctx, engine.ReadRequest{Job: "drop.log", From: info.Lines, Count: 1})
	if err != nil || p.Entries[0].Message != fmt.Sprintf("2025-03-20T10:00:00Z INFO line %d", info.Lines-1) {
		t.Fatalf("the last line kept: %+v %v", p, err)
	}
}

func ingestSessions(t *testing.T, c *client.Client) int {
	t.Helper()
	m, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(m["ingest_sessions"], &n)
	return n
}

// Ensure that a client that stops reading replies is held back: the
// server reads no further than a few chunks past its parser, so its
// memory stays bounded, and everything arrives once the client reads on.
func TestIngest_Backpressure(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	ts := serveDB(t, db, &server.Options{Rate: -1, MaxRequestBytes: 1 << 20})
	c := ts.dial(t, nil)
	var data strings.Builder
	for i := range 200000 {
		fmt.Fprintf(&data, "2025-03-20T10:00:00Z INFO line %d of a longer stream\n", i)
	}
	rep, err := c.Ingest(ctx, strings.NewReader(data.String()), client.IngestOptions{Name: "big.log"})
	if err != nil || rep.Stored != 200000 || rep.Bytes != int64(data.Len()) {
		t.Fatalf("%+v %v", rep, err)
	}
}

// Ensure that a cancelled Ingest returns the context's error and drops
// its connection, which ends the session, and that the client dials anew.
func TestIngest_Cancelled(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	ctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("one\ntwo\n"))
		cancel()
		pw.Write([]byte("three\n"))
		pw.Close()
	}()
	_, err := c.Ingest(ctx, pr, client.IngestOptions{Name: "slow.log"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("the client after: %v", err)
	}
}

// Ensure that sessions on several connections at once each store their
// own stream whole, in order.
func TestIngest_Concurrent(t *testing.T) {
	ts := startServer(t, nil)
	const clients, lines = 4, 20000
	errs := make(chan error, clients)
	for i := range clients {
		go func() {
			c, err := client.Dial(ctx, ts.addr, nil)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			var b strings.Builder
			for n := range lines {
				fmt.Fprintf(&b, "2025-03-20T10:00:00Z INFO client %d line %d\n", i, n)
			}
			rep, err := c.Ingest(ctx, strings.NewReader(b.String()), client.IngestOptions{Name: fmt.Sprintf("c%d", i)})
			if err == nil && rep.Stored != lines {
				err = fmt.Errorf("client %d: %d lines stored", i, rep.Stored)
			}
			errs <- err
		}()
	}
	for range clients {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i := range clients {
		p, err := ts.db.ReadLines(ctx, engine.ReadRequest{Job: fmt.Sprintf("c%d", i), Count: lines})
		if err != nil || len(p.Entries) != lines {
			t.Fatalf("client %d: %v", i, err)
		}
		for n, e := range p.Entries {
			if want := fmt.Sprintf("2025-03-20T10:00:00Z INFO client %d line %d", i, n); e.Message != want {
				t.Fatalf("client %d line %d: %q", i, n+1, e.Message)
			}
		}
	}
}
