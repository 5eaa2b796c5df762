package repl

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peterh/liner"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// ctrlC, as a line of a fakeTerm's script, is Ctrl-C at the prompt.
const ctrlC = "\x03"

// fakeTerm is a scripted Terminal: Prompt returns the lines sent on lines
// (ctrlC as liner.ErrPromptAborted) and io.EOF once it is closed. It
// records the prompts and history.
type fakeTerm struct {
	lines chan string

	mu      sync.Mutex
	prompts []string
	history []string
}

var _ Terminal = (*fakeTerm)(nil)

// scripted returns a fakeTerm that types lines, then ends.
func scripted(lines ...string) *fakeTerm {
	ch := make(chan string, len(lines))
	for _, l := range lines {
		ch <- l
	}
	close(ch)
	return &fakeTerm{lines: ch}
}

func (f *fakeTerm) Prompt(p string) (string, error) {
	f.mu.Lock()
	f.prompts = append(f.prompts, p)
	f.mu.Unlock()
	l, ok := <-f.lines
	switch {
	case !ok:
		return "", io.EOF
	case l == ctrlC:
		return "", liner.ErrPromptAborted
	}
	return l, nil
}

func (f *fakeTerm) AppendHistory(l string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.history = append(f.history, l)
}

func (f *fakeTerm) Prompts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.prompts...)
}

// syncBuffer is a bytes.Buffer safe to read while the shell writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until cond holds, failing the test after 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// t0 is the time of the fixture's first line.
var t0 = time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC)

// fixtureDB opens a DB holding three runs:
//
//	build/0   6 lines, failed (exit 2: compile error)
//	deploy/0  3 lines, success
//	deploy/1  2 lines, running
func fixtureDB(t *testing.T) *engine.DB {
	t.Helper()
	db := testutil.MustOpenDB(t, nil)
	ctx := context.Background()
	at := func(s int) int64 { return t0.Add(time.Duration(s) * time.Second).UnixNano() }
	billing := engine.Labels{{Name: "app", Value: "billing"}, {Name: "env", Value: "prod"}}
	mustAppend(t, db,
		engine.Entry{Job: "build", Time: at(0), Level: engine.Info, Message: "starting build", Labels: billing},
		engine.Entry{Job: "build", Time: at(1), Level: engine.Warn, Message: "cache miss for key abc", Labels: billing[:1]},
		engine.Entry{Job: "build", Time: at(2), Message: "compiling 42 files"},
		engine.Entry{Job: "build", Time: at(5), Level: engine.Error, Message: "compile failed: timeout after 30s", Labels: billing},
		engine.Entry{Job: "build", Time: at(6), Message: ""},
		engine.Entry{Job: "build", Time: at(7), Level: engine.Info, Message: "done"},
		engine.Entry{Job: "deploy", Attempt: 0, Time: at(10), Level: engine.Info, Message: "deploying v1"},
		engine.Entry{Job: "deploy", Attempt: 0, Time: at(11), Level: engine.Debug, Message: "pushing image"},
		engine.Entry{Job: "deploy", Attempt: 0, Time: at(12), Level: engine.Info, Message: "deployed"},
		engine.Entry{Job: "deploy", Attempt: 1, Time: at(20), Level: engine.Warn, Message: "retrying after connection reset"},
		engine.Entry{Job: "deploy", Attempt: 1, Time: at(21), Level: engine.Error, Message: "connection reset by peer"},
	)
	if err := db.FinishRun(ctx, "build", 0, engine.RunResult{Status: engine.Failed, ExitCode: 2, Message: "compile error", Ended: at(8), Duration: 8 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, "deploy", 0, engine.RunResult{Status: engine.Success, Ended: at(13)}); err != nil {
		t.Fatal(err)
	}
	return db
}

func mustAppend(t *testing.T, db *engine.DB, es ...engine.Entry) {
	t.Helper()
	if _, err := db.Append(context.Background(), es...); err != nil {
		t.Fatal(err)
	}
}

// shellTest is a shell over a DB with a scripted terminal.
type shellTest struct {
	sh       *Shell
	term     *fakeTerm
	out, err *syncBuffer
	db       *engine.DB
}

// newShell returns a script-mode shell (no TTY) over db that will type
// lines, with times in UTC.
func newShell(t *testing.T, db *engine.DB, lines ...string) *shellTest {
	t.Helper()
	st := &shellTest{term: scripted(lines...), out: &syncBuffer{}, err: &syncBuffer{}, db: db}
	st.sh = New(NewLocal(db), st.term, st.out)
	st.sh.Err = st.err
	st.sh.Location = time.UTC
	return st
}

// run runs the shell to the end of its script.
func (st *shellTest) run(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := st.sh.Run(ctx); err != nil {
		t.Fatalf("Run: %v\nout:\n%s\nerr:\n%s", err, st.out, st.err)
	}
}

// lines splits output into lines without the final newline.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
