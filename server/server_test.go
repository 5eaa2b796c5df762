package server_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/servertest"
	"github.com/logdb/logdb/internal/testutil"
	"github.com/logdb/logdb/query"
	"github.com/logdb/logdb/server"
)

// testServer is a server on a real DB and a real TCP port on 127.0.0.1.
type testServer struct {
	addr string
	db   *engine.DB
	srv  *server.Server
}

// startServer serves a new DB on 127.0.0.1:0 until the test ends. A nil
// opts means no rate limit (tests set one when they test it).
func startServer(t testing.TB, opts *server.Options) *testServer {
	t.Helper()
	db := testutil.MustOpenDB(t, &engine.Options{SealAfter: 50 * time.Millisecond})
	return serveDB(t, db, opts)
}

func serveDB(t testing.TB, db *engine.DB, opts *server.Options) *testServer {
	t.Helper()
	srv, addr := servertest.Serve(t, db, opts)
	return &testServer{addr: addr, db: db, srv: srv}
}

// dial returns a client of the server, closed when the test ends.
func (ts *testServer) dial(t testing.TB, opts *client.Options) *client.Client {
	t.Helper()
	c, err := client.Dial(context.Background(), ts.addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// rawConn is a TCP connection that speaks the protocol by hand, as nc
// would.
type rawConn struct {
	t  testing.TB
	nc net.Conn
	br *bufio.Reader
}

func (ts *testServer) raw(t testing.TB) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rawConn{t: t, nc: nc, br: bufio.NewReader(nc)}
}

func (r *rawConn) send(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.nc, s); err != nil {
		r.t.Fatal(err)
	}
}

// reply reads one reply and renders it on one line: +OK, -ERR …, :1,
// "bulk", nil, [a b c].
func (r *rawConn) reply() string {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	s, err := readRendered(r.br)
	if err != nil {
		r.t.Fatalf("reading a reply: %v", err)
	}
	return s
}

func readRendered(br *bufio.Reader) (string, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch line[0] {
	case '+', '-', ':':
		return line, nil
	case '$':
		var n int
		fmt.Sscanf(line[1:], "%d", &n)
		if n < 0 {
			return "nil", nil
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(br, b); err != nil {
			return "", err
		}
		return fmt.Sprintf("%q", b[:n]), nil
	case '*':
		var n int
		fmt.Sscanf(line[1:], "%d", &n)
		parts := make([]string, 0, n)
		for i := 0; i < n; i++ {
			s, err := readRendered(br)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return "[" + strings.Join(parts, " ") + "]", nil
	}
	return "", fmt.Errorf("bad reply line %q", line)
}

// expectClosed checks that the server closes the connection.
func (r *rawConn) expectClosed() {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if b, err := r.br.ReadByte(); err != io.EOF {
		r.t.Fatalf("connection not closed: read %q, %v", b, err)
	}
}

var ctx = context.Background()

// Ensure that inline commands typed as in nc work, with quotes, and that
// pipelined requests are answered in order.
func TestServer_Inline(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	r.send("PING\r\n")
	if got := r.reply(); got != "+PONG" {
		t.Fatalf("PING: %s", got)
	}
	r.send(`APPEND build 0 "2025-03-20T10:00:00Z INFO starting build" 'ERROR: it''s broken' plain` + "\r\n")
	// 'it''s' is two single-quoted words glued: an error, as in Redis.
	if got := r.reply(); !strings.HasPrefix(got, "-ERR Protocol error: unbalanced quotes") {
		t.Fatalf("glued quotes: %s", got)
	}
	r.send(`APPEND build 0 "2025-03-20T10:00:00Z INFO starting build" 'ERROR: it\'s broken' plain` + "\n")
	if got := r.reply(); got != "[:1 :2 :3]" {
		t.Fatalf("APPEND: %s", got)
	}
	// Three requests in one write.
	r.send("PING\r\nECHO hi\r\nREAD build latest FORMAT raw COUNT 2\r\n")
	for _, want := range []string{"+PONG", `"hi"`} {
		if got := r.reply(); got != want {
			t.Fatalf("pipelined: %s, want %s", got, want)
		}
	}
	got := r.reply()
	if !strings.HasPrefix(got, `["lines" ["2025-03-20T10:00:00Z INFO starting build" "ERROR: it's broken"] "job" "build" "attempt" :0 "line_count" :3 "is_end" :0 "bytes" :`) {
		t.Fatalf("READ: %s", got)
	}
}

// Ensure that every kind of malformed request gets an error reply and
// leaves the connection usable.
func TestServer_MalformedRequests(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	for _, tt := range []struct{ req, want string }{
		{"FROBNICATE x y\r\n", "-ERR unknown command 'FROBNICATE', with args beginning with: 'x' 'y'"},
		{"READ\r\n", "-ERR wrong number of arguments for 'read' command"},
		{"\"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes"},
		{"READ build nope\r\n", "-ERR bad attempt \"nope\""},
		{"READ build 0 COUNT 0\r\n", "-ERR COUNT must be from 1"},
		{"READ build 0 BOGUS 1\r\n", "-ERR unknown option \"BOGUS\""},
		{"READ build 0 COUNT\r\n", "-ERR option COUNT needs a value"},
		{"READ nosuchjob latest\r\n", "-NOTFOUND run not found: job \"nosuchjob\" has no runs"},
		{"READ x 0 CURSOR garbage\r\n", "-BADCURSOR bad cursor"},
		{"QUERY \"level=Bogus\"\r\n", "-ERR 1:7: unknown level \"Bogus\""},
		{"QUERY level>=Warn timeout\r\n", "-ERR unknown option \"timeout\""},
		{"QUERY - CURSOR nope\r\n", "-BADCURSOR"},
		{"APPEND j x line\r\n", "-ERR attempt must be an integer"},
		{"APPENDJSON j 0 {not-json}\r\n", "-ERR request:1: invalid JSON"},
		{"APPENDENTRIES j 0 0 Info msg 2 a\r\n", "-ERR entry 1: 2 labels announced, 1 arguments left"},
		{"FINISH j 0 running\r\n", "-ERR a run finishes as success, failed or canceled"},
		{"SUBSCRIBE nonsense\r\n", "-ERR bad channel \"nonsense\""},
		{"SUBSCRIBE query:x|count\r\n", "-ERR a followed query takes a filter without pipes"},
		{"HELLO 3\r\n", "-NOPROTO unsupported protocol version"},
		{"*1\r\n$4\r\nPING\r\n", "+PONG"},
	} {
		r.send(tt.req)
		if got := r.reply(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%q: got %s, want %s…", tt.req, got, tt.want)
		}
	}
	r.send("PING\r\n")
	if got := r.reply(); got != "+PONG" {
		t.Fatalf("connection not usable: %s", got)
	}
	// A request over the size limit is consumed and refused, and the
	// connection goes on.
	big := strings.Repeat("x", 2<<20)
	ts2 := startServer(t, &server.Options{Rate: -1, MaxRequestBytes: 1 << 20})
	r2 := ts2.raw(t)
	r2.send(fmt.Sprintf("*4\r\n$6\r\nAPPEND\r\n$1\r\nj\r\n$1\r\n0\r\n$%d\r\n%s\r\nPING\r\n", len(big), big))
	if got := r2.reply(); got != "-ERR Protocol error: request larger than 1048576 bytes" {
		t.Fatalf("too large: %s", got)
	}
	if got := r2.reply(); got != "+PONG" {
		t.Fatalf("after a too large request: %s", got)
	}
	// A broken array header cannot be resynchronized: error, then close.
	r2.send("*2\r\n$4\r\nPING\r\n:5\r\n")
	if got := r2.reply(); got != "-ERR Protocol error: expected '$', got ':'" {
		t.Fatalf("broken framing: %s", got)
	}
	r2.expectClosed()
}

// Ensure that lines appended through the client come back from READ and
// QUERY exactly (job, attempt, line, time, level, message, labels), and
// that text and JSON appends detect what logdb ingest detects.
func TestServer_AppendReadQuery(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	t0 := time.Date(2025, 3, 20, 10, 0, 0, 123456789, time.UTC).UnixNano()
	in := []engine.Entry{
		{Job: "etl", Attempt: 0, Time: t0, Level: engine.Info, Message: "start", Labels: engine.Labels{{Name: "app", Value: "billing"}}},
		{Job: "etl", Attempt: 0, Time: t0 + 1, Level: engine.Error, Message: "boom: timeout\x00\xff binary"},
		{Job: "etl", Attempt: 1, Time: t0 + 2, Message: "no level"},
	}
	lines, err := c.Append(ctx, in...)
	if err != nil || !reflect.DeepEqual(lines, []int64{1, 2, 1}) {
		t.Fatalf("Append: %v %v", lines, err)
	}
	lines, err = c.AppendText(ctx, "etl", 0, "2025-03-20T10:00:05Z WARN slow\nsecond line", "third")
	if err != nil || !reflect.DeepEqual(lines, []int64{3, 4, 5}) {
		t.Fatalf("AppendText: %v %v", lines, err)
	}
	lines, err = c.AppendJSON(ctx, "etl", 0, `{"time":"2025-03-20T10:00:06Z","level":"error","msg":"json line","env":"prod"}`, `{"msg":"other run","job":"x","attempt":3}`)
	if err != nil || !reflect.DeepEqual(lines, []int64{6, 1}) {
		t.Fatalf("AppendJSON: %v %v", lines, err)
	}

	p, err := c.Read(ctx, engine.ReadRequest{Job: "etl", Attempt: 0})
	if err != nil {
		t.Fatal(err)
	}
	want, err := ts.db.ReadLines(ctx, engine.ReadRequest{Job: "etl", Attempt: 0})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Entries {
		if len(want.Entries[i].Labels) == 0 {
			want.Entries[i].Labels = nil
		}
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("READ through the server differs:\n got %+v\nwant %+v", p, want)
	}
	if p.Entries[1].Message != in[1].Message || p.Entries[2].Level != engine.Warn || p.Entries[5].Labels.Map()["env"] != "prod" {
		t.Fatalf("entries: %+v", p.Entries)
	}

	// Latest, -1, LEVEL, FROM and COUNT.
	p, err = c.Read(ctx, engine.ReadRequest{Job: "etl", Attempt: engine.Latest})
	if err != nil || p.Attempt != 1 || len(p.Entries) != 1 {
		t.Fatalf("latest: %+v %v", p, err)
	}
	p, err = c.Read(ctx, engine.ReadRequest{Job: "etl", Attempt: -1, From: 2, Count: 2, Filter: engine.LevelFilter{Op: engine.Ge, Level: engine.Warn}})
	if err != nil || p.Attempt != 0 || len(p.Entries) != 2 || p.Entries[0].Line != 2 || p.Entries[1].Line != 3 || p.IsEnd {
		t.Fatalf("-1 FROM 2 COUNT 2 LEVEL Warn: %+v %v", p, err)
	}

	for _, q := range []string{`timeout OR "json line"`, `job=etl`, `level>=Warn | sort by time desc`, `* | count by job, attempt`, `job=etl | fields line, level, msg`, `slow | context 1`,
		`* | stats by (job, _time:1m) count(), count_uniq(level), avg(line) as avg_line, max(line), rate()`, `* | top 1 by (job)`, `* | field_names`,
		`* | stats count() | filter count>100`, `* | stats by (job) avg(nosuch), sum(line)`} {
		rows, err := c.Query(ctx, q, client.QueryOptions{PageSize: 2, TZ: "UTC"})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		got := drain(t, rows)
		lq := query.MustParse(q)
		lrows, err := query.Run(ctx, ts.db, lq, query.Options{Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		var wantRows []string
		for lrows.Next() {
			wantRows = append(wantRows, renderRow(lrows.Row()))
		}
		if !reflect.DeepEqual(got, wantRows) {
			t.Errorf("%s:\n got %q\nwant %q", q, got, wantRows)
		}
	}
}

func drain(t *testing.T, rows *client.Rows) []string {
	t.Helper()
	var out []string
	for rows.Next() {
		out = append(out, renderRow(rows.Row()))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func renderRow(r *query.Row) string {
	switch r.Kind {
	case query.EntryRow:
		e := r.Entry
		return fmt.Sprintf("%d %s/%d:%d %s %q %v ctx=%v", e.Time, e.Job, e.Attempt, e.Line, e.Level, e.Message, e.Labels, r.Context)
	case query.RecordRow:
		vs := make([]string, len(r.Values))
		for i, v := range r.Values {
			switch x := v.(type) {
			case time.Time:
				vs[i] = x.UTC().Format(time.RFC3339Nano)
			default:
				vs[i] = fmt.Sprint(x)
			}
		}
		return fmt.Sprint(r.Columns, vs)
	}
	return "--"
}

// Ensure that a READ cursor stays valid while the run grows and never
// skips or repeats a line, also with a level filter.
func TestServer_ReadCursorWhileGrowing(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	next := 1
	add := func(n int) {
		for i := 0; i < n; i++ {
			lvl := []string{"INFO", "ERROR"}[next%2]
			if _, err := c.AppendText(ctx, "grow", 0, fmt.Sprintf("%s line %d", lvl, next)); err != nil {
				t.Fatal(err)
			}
			next++
		}
	}
	add(25)
	var seen []int64
	cursor := ""
	for round := 0; round < 6; round++ {
		p, err := c.Read(ctx, engine.ReadRequest{Job: "grow", Attempt: 0, Count: 4, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Entries {
			seen = append(seen, e.Line)
		}
		cursor = p.Cursor
		add(3)
	}
	for {
		p, err := c.Read(ctx, engine.ReadRequest{Cursor: cursor, Count: 7})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Entries {
			seen = append(seen, e.Line)
		}
		cursor = p.Cursor
		if p.IsEnd {
			break
		}
	}
	if len(seen) != next-1 {
		t.Fatalf("read %d lines of %d: %v", len(seen), next-1, seen)
	}
	for i, l := range seen {
		if l != int64(i+1) {
			t.Fatalf("line %d is %d: %v", i+1, l, seen)
		}
	}
	// Level filter over cursors: only the errors, each once.
	var errs []int64
	cursor = ""
	for {
		p, err := c.Read(ctx, engine.ReadRequest{Job: "grow", Attempt: 0, Count: 3, Cursor: cursor, Filter: engine.LevelFilter{Op: engine.Ge, Level: engine.Error}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Entries {
			errs = append(errs, e.Line)
		}
		cursor = p.Cursor
		if p.IsEnd {
			break
		}
	}
	if len(errs) != next/2 || errs[0] != 1 || errs[1] != 3 {
		t.Fatalf("error lines %v", errs)
	}
}

// Ensure that QUERY pages join up without skipping or repeating a row when
// many rows share a timestamp, ascending and descending, and that a cursor
// pins the query's "now" and refuses another query.
func TestServer_QueryPaging(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	t0 := time.Now().Add(-time.Minute).UnixNano()
	var es []engine.Entry
	for i := 0; i < 300; i++ {
		job := fmt.Sprintf("job-%d", i%7)
		es = append(es, engine.Entry{Job: job, Attempt: i % 2, Time: t0 + int64(i/50), Level: engine.Info, Message: fmt.Sprintf("msg %d hit", i)})
	}
	if _, err := c.Append(ctx, es...); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"hit", "hit since=-5m", "hit | sort by time desc", "* | count by job", "hit | limit 17", "hit | sort by job, line"} {
		for _, size := range []int{1, 7, 50, 1000} {
			rows, err := c.Query(ctx, q, client.QueryOptions{PageSize: size})
			if err != nil {
				t.Fatal(err)
			}
			got := drain(t, rows)
			lrows, err := query.Run(ctx, ts.db, query.MustParse(q), query.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for lrows.Next() {
				want = append(want, renderRow(lrows.Row()))
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q pages of %d: %d rows, want %d\n got %q\nwant %q", q, size, len(got), len(want), got, want)
			}
		}
	}
	// A cursor belongs to its query.
	v, err := c.Do(ctx, "QUERY", "hit", "COUNT", "5")
	if err != nil {
		t.Fatal(err)
	}
	reply := v.([]any)
	var cursor string
	for i := 0; i+1 < len(reply); i += 2 {
		if reply[i] == "cursor" {
			cursor = reply[i+1].(string)
		}
	}
	if _, err := c.Do(ctx, "QUERY", "other", "CURSOR", cursor); err == nil || !strings.Contains(err.Error(), "another query") {
		t.Fatalf("cursor of another query: %v", err)
	}
	if _, err := c.Do(ctx, "QUERY", "hit", "CURSOR", cursor); err != nil {
		t.Fatalf("cursor with its own query: %v", err)
	}
}

// Ensure that the client's errors match the engine's sentinels.
func TestServer_Errors(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	if _, err := c.Read(ctx, engine.ReadRequest{Job: "none", Attempt: 0}); !errors.Is(err, engine.ErrRunNotFound) {
		t.Errorf("missing run: %v", err)
	}
	if _, err := c.Read(ctx, engine.ReadRequest{Cursor: "AAAA"}); !errors.Is(err, engine.ErrBadCursor) {
		t.Errorf("bad cursor: %v", err)
	}
	if _, err := c.AppendText(ctx, "done", 0, "x"); err != nil {
		t.Fatal(err)
	}
	if err := c.FinishRun(ctx, "done", 0, engine.RunResult{Status: engine.Failed, ExitCode: 3, Message: "exit 3"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppendText(ctx, "done", 0, "late"); !errors.Is(err, engine.ErrRunFinished) {
		t.Errorf("append to a finished run: %v", err)
	}
	info, err := c.Run(ctx, "done", engine.Latest)
	if err != nil || info.Status != engine.Failed || info.ExitCode != 3 || info.ExitMessage != "exit 3" || info.Lines != 1 {
		t.Errorf("RUN: %+v %v", info, err)
	}
	big := strings.Repeat("x", ts.srv.Options().MaxLineBytes+1)
	if _, err := c.AppendText(ctx, "j", 0, "ok", big); !errors.Is(err, engine.ErrLineTooLong) {
		t.Errorf("long line: %v", err)
	}
	if _, err := c.Run(ctx, "j", 0); !errors.Is(err, engine.ErrRunNotFound) {
		t.Errorf("a refused batch stored lines: %v", err)
	}
}

// Ensure that HELLO, INFO and the Redis administration commands that tools
// send answer sensibly.
func TestServer_InfoAndCompat(t *testing.T) {
	ts := startServer(t, &server.Options{Rate: -1, Version: "v-test"})
	c := ts.dial(t, nil)
	if _, err := c.AppendText(ctx, "a", 0, "one", "two"); err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(ctx)
	if err != nil || info["logdb_version"] != "v-test" || info["lines"] != "2" || info["runs"] != "1" || info["index_lag"] == "" || info["connected_clients"] != "1" {
		t.Fatalf("INFO: %v %v", info, err)
	}
	r := ts.raw(t)
	for _, tt := range []struct{ req, want string }{
		{"HELLO 2\r\n", `["server" "logdb" "version" "v-test" "proto" :2 "id" :`},
		{"CONFIG GET save\r\n", `["save" ""]`},
		{"CONFIG GET appendonly\r\n", `["appendonly" "no"]`},
		{"SELECT 0\r\n", "+OK"},
		{"SELECT 1\r\n", "-ERR DB index is out of range"},
		{"CLIENT SETNAME me\r\n", "+OK"},
		{"CLIENT GETNAME\r\n", `"me"`},
		{"COMMAND DOCS\r\n", "[]"},
		{"HELP READ\r\n", `["READ job attempt [FROM line]`},
		{"AUTH x\r\n", "-ERR AUTH called without a token configured"},
	} {
		r.send(tt.req)
		if got := r.reply(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%q: got %s, want %s…", tt.req, got, tt.want)
		}
	}
}

// Ensure that RUN and RUNS give every field of the runs' records, and that
// QUERY … OVER runs gives what query.RunRuns gives, page by page, with the
// values' types.
func TestServer_Runs(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	if _, err := ts.db.StartRun(ctx, engine.RunSpec{Job: "etl", Attempt: 0, Kind: "scheduled", Labels: engine.Labels{{Name: "flow", Value: "orders"}}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		job := fmt.Sprintf("job-%d", i%3)
		if _, err := c.AppendText(ctx, job, i/3, "INFO start", "ERROR failed", "WARN slow"); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := c.FinishRun(ctx, job, i/3, engine.RunResult{Status: engine.Failed, ExitCode: int64(i), Message: "exit"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := c.AppendText(ctx, "etl", 0, "ERROR boom"); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.FinishRun(ctx, "etl", 0, engine.RunResult{Status: engine.Success, Duration: 1234567890 * time.Nanosecond, PeakMemory: 1 << 20}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ts.db.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if len(want[i].Labels) == 0 {
			want[i].Labels = nil
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("RUNS:\n got %+v\nwant %+v", got, want)
	}
	one, err := c.Run(ctx, "etl", engine.Latest)
	if err != nil || !reflect.DeepEqual(one, want[0]) {
		t.Fatalf("RUN: %+v %v", one, err)
	}
	for _, q := range []string{"status=failed", "* | sort by duration desc", "* | count by status", "errors>0 | fields job, attempt, start, duration, memory | limit 4", "kind=scheduled",
		"* | stats by (status) count(), quantile(0.9, duration) as p90, sum(memory)", "* | stats by (start:1h) count()"} {
		rows, err := c.Query(ctx, q, client.QueryOptions{Runs: true, PageSize: 2, TZ: "UTC"})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		got := drain(t, rows)
		lrows, err := query.RunRuns(ctx, ts.db, query.MustParse(q), query.Options{Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for lrows.Next() {
			want = append(want, renderRow(lrows.Row()))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s over runs:\n got %q\nwant %q", q, got, want)
		}
	}
}
