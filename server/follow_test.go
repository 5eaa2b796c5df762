package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/client"
	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/server"
)

// Ensure that following a run sends the lines already stored, then the
// live ones, with no gap and no repeat, then the final state, and that a
// run that does not exist yet is waited for.
func TestServer_FollowRun(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	for i := 1; i <= 5; i++ {
		if _, err := c.AppendText(ctx, "deploy:eu", 2, fmt.Sprintf("history %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := c.Follow(ctx, engine.ReadRequest{Job: "deploy:eu", Attempt: engine.Latest, From: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	waiting, err := c.Follow(ctx, engine.ReadRequest{Job: "later", Attempt: 0, Filter: engine.LevelFilter{Op: engine.Ge, Level: engine.Warn}})
	if err != nil {
		t.Fatal(err)
	}
	defer waiting.Close()

	go func() {
		for i := 6; i <= 40; i++ {
			lines := []string{fmt.Sprintf("live %d", i)}
			if i%10 == 0 {
				lines = append(lines, fmt.Sprintf("live %d b", i))
			}
			if _, err := c.AppendText(ctx, "deploy:eu", 2, lines...); err != nil {
				t.Error(err)
				return
			}
			if i%10 == 0 {
				time.Sleep(5 * time.Millisecond)
			}
		}
		c.AppendText(ctx, "later", 0, "INFO skipped", "ERROR kept")
		c.FinishRun(ctx, "deploy:eu", 2, engine.RunResult{Status: engine.Success, ExitCode: 0, Message: "done"})
		c.FinishRun(ctx, "later", 0, engine.RunResult{Status: engine.Canceled, ExitCode: 130})
	}()

	var got []int64
	for f.Next() {
		e := f.Entry()
		if e.Job != "deploy:eu" || e.Attempt != 2 {
			t.Fatalf("entry of %s/%d", e.Job, e.Attempt)
		}
		got = append(got, e.Line)
	}
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 43 || got[0] != 2 {
		t.Fatalf("followed lines %v", got)
	}
	for i, l := range got {
		if l != int64(i+2) {
			t.Fatalf("line %d of the follow is %d: %v", i, l, got)
		}
	}
	end := f.End()
	if end == nil || end.Status != engine.Success || end.LineCount != 44 || end.ExitMessage != "done" || end.Cursor == "" || end.EndTime == 0 {
		t.Fatalf("end %+v", end)
	}
	// The end cursor continues with READ once the run is over.
	p, err := c.Read(ctx, engine.ReadRequest{Cursor: end.Cursor})
	if err != nil || len(p.Entries) != 0 || !p.IsEnd {
		t.Fatalf("read after the end: %+v %v", p, err)
	}

	var later []string
	for waiting.Next() {
		later = append(later, waiting.Entry().Message)
	}
	if waiting.Err() != nil || strings.Join(later, ",") != "ERROR kept" || waiting.End() == nil || waiting.End().Status != engine.Canceled || waiting.End().ExitCode != 130 {
		t.Fatalf("waited-for run: %q %v %+v", later, waiting.Err(), waiting.End())
	}
}

// Ensure that following a query sends the matching lines appended after
// the SUBSCRIBE, from every run, new runs included, each once.
func TestServer_FollowQuery(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	if _, err := c.AppendText(ctx, "api", 0, "ERROR before the follow"); err != nil {
		t.Fatal(err)
	}
	f, err := c.FollowQuery(ctx, `level>=Error OR timeout`)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]bool{}
	go func() {
		for i := 0; i < 30; i++ {
			job := fmt.Sprintf("job-%d", i%4)
			msgs := []string{fmt.Sprintf("INFO ok %d", i), fmt.Sprintf("ERROR failed %d", i), fmt.Sprintf("call %d hit a timeout", i)}
			if _, err := c.AppendText(ctx, job, 0, msgs...); err != nil {
				t.Error(err)
			}
		}
	}()
	for i := 0; i < 30; i++ {
		want[fmt.Sprintf("ERROR failed %d", i)] = true
		want[fmt.Sprintf("call %d hit a timeout", i)] = true
	}
	seen := map[string]bool{}
	lastLine := map[string]int64{}
	deadline := time.AfterFunc(20*time.Second, func() { f.Close() })
	defer deadline.Stop()
	for len(seen) < len(want) && f.Next() {
		e := f.Entry()
		if !want[e.Message] || seen[e.Message] {
			t.Fatalf("unexpected or repeated line %q", e.Message)
		}
		if e.Line <= lastLine[e.Job] {
			t.Fatalf("%s: line %d after %d", e.Job, e.Line, lastLine[e.Job])
		}
		lastLine[e.Job] = e.Line
		seen[e.Message] = true
	}
	if len(seen) != len(want) {
		t.Fatalf("saw %d of %d lines: %v", len(seen), len(want), f.Err())
	}
	f.Close()
	if f.Next() || f.Err() != client.ErrClosed {
		t.Fatalf("after Close: %v", f.Err())
	}
}

// Ensure the pub/sub conventions Redis clients rely on: subscribe frames
// with counts, PING answered as a frame, only pub/sub commands allowed
// while subscribed, UNSUBSCRIBE without arguments, and a normal
// connection afterwards.
func TestServer_SubscribeFrames(t *testing.T) {
	ts := startServer(t, nil)
	r := ts.raw(t)
	r.send("SUBSCRIBE run:a:0 run:b:latest:from=3:level=Warn\r\n")
	for _, want := range []string{`["subscribe" "run:a:0" :1]`, `["subscribe" "run:b:latest:from=3:level=Warn" :2]`} {
		if got := r.reply(); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
	r.send("PING\r\nREAD a 0\r\n")
	if got := r.reply(); got != `["pong" ""]` {
		t.Fatalf("PING while subscribed: %s", got)
	}
	if got := r.reply(); !strings.HasPrefix(got, "-ERR Can't execute 'read'") {
		t.Fatalf("READ while subscribed: %s", got)
	}
	c := ts.dial(t, nil)
	if _, err := c.AppendText(ctx, "a", 0, "hello"); err != nil {
		t.Fatal(err)
	}
	if got := r.reply(); !strings.HasPrefix(got, `["message" "run:a:0" "{\"time\":`) || !strings.Contains(got, `\"line\":1,\"msg\":\"hello\"`) {
		t.Fatalf("message: %s", got)
	}
	r.send("UNSUBSCRIBE\r\n")
	for _, want := range []string{`["unsubscribe" "run:a:0" :1]`, `["unsubscribe" "run:b:latest:from=3:level=Warn" :0]`} {
		if got := r.reply(); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	}
	r.send("PING\r\n")
	if got := r.reply(); got != "+PONG" {
		t.Fatalf("after UNSUBSCRIBE: %s", got)
	}
	// A finished run ends its subscription on its own.
	if err := c.FinishRun(ctx, "a", 0, engine.RunResult{Status: engine.Success}); err != nil {
		t.Fatal(err)
	}
	r.send("SUBSCRIBE run:a:0:from=2\r\n")
	if got := r.reply(); got != `["subscribe" "run:a:0:from=2" :1]` {
		t.Fatal(got)
	}
	if got := r.reply(); !strings.Contains(got, `\"end\":true`) || !strings.Contains(got, `\"state\":\"success\"`) {
		t.Fatalf("end frame: %s", got)
	}
	if got := r.reply(); got != `["unsubscribe" "run:a:0:from=2" :0]` {
		t.Fatal(got)
	}
	r.send("PING\r\n")
	if got := r.reply(); got != "+PONG" {
		t.Fatalf("after the end: %s", got)
	}
}

// Ensure that a follower whose context ends stops, and that the server
// stops its follower when the client goes away.
func TestServer_FollowCancel(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	fctx, cancel := context.WithCancel(ctx)
	f, err := c.Follow(fctx, engine.ReadRequest{Job: "never", Attempt: 0})
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if f.Next() {
		t.Fatal("a line from nowhere")
	}
	if f.Err() != context.Canceled {
		t.Fatalf("err %v", f.Err())
	}
	// The server forgets the connection.
	for i := 0; ; i++ {
		info, err := c.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info["connected_clients"] == "1" {
			break
		}
		if i == 100 {
			t.Fatalf("connected_clients %s", info["connected_clients"])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Ensure that a followed query gets every matching line appended after
// SUBSCRIBE was answered, however late the follower's goroutine starts.
func TestServer_FollowQuery_FromTheReply(t *testing.T) {
	server.SetFollowStartHook(func() { time.Sleep(100 * time.Millisecond) })
	defer server.SetFollowStartHook(nil)
	ts := startServer(t, nil)
	c := ts.dial(t, nil)
	if _, err := c.AppendText(ctx, "api", 0, "ERROR before the follow"); err != nil {
		t.Fatal(err)
	}
	f, err := c.FollowQuery(ctx, "level>=Error")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Appended while the follower has not started yet.
	if _, err := c.AppendText(ctx, "api", 0, "ERROR right after the reply", "INFO fine"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppendText(ctx, "new", 0, "ERROR in a new run"); err != nil {
		t.Fatal(err)
	}
	deadline := time.AfterFunc(10*time.Second, func() { f.Close() })
	defer deadline.Stop()
	// Lines of different runs come in no promised order.
	want := map[string]bool{"ERROR right after the reply": true, "ERROR in a new run": true}
	for len(want) > 0 {
		if !f.Next() {
			t.Fatalf("the follower ended before %v: %v", want, f.Err())
		}
		if got := f.Entry().Message; !want[got] {
			t.Fatalf("the follower sent %q, want one of %v", got, want)
		}
		delete(want, f.Entry().Message)
	}
}
